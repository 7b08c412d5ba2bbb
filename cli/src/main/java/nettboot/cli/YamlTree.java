package nettboot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nettboot.core.error.InvalidInputException;
import nettboot.core.talos.LocatedYaml;

/**
 * A YAML document as maps, lists and scalars that remember their line, so errors can say
 * {@code file:line}: a plain view of {@link LocatedYaml}, the parser the inventory uses.
 */
final class YamlTree {
  /** A value and the line it starts on. {@code value} is a Map, a List, a String, or null. */
  record Node(Object value, int line) {
    @SuppressWarnings("unchecked")
    Map<String, Node> map() {
      return value instanceof Map<?, ?> m ? (Map<String, Node>) m : null;
    }

    @SuppressWarnings("unchecked")
    List<Node> list() {
      return value instanceof List<?> l ? (List<Node>) l : null;
    }

    String text() {
      return value instanceof String s ? s : null;
    }
  }

  private YamlTree() {}

  static Node read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "file not found");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage());
    }
    try {
      LocatedYaml root = LocatedYaml.parse(text);
      return root == null ? new Node(null, 1) : node(root);
    } catch (LocatedYaml.SyntaxError e) {
      throw new InvalidInputException(file + ":" + e.line(), "not valid YAML: " + e.getMessage());
    }
  }

  private static Node node(LocatedYaml y) {
    return switch (y) {
      case LocatedYaml.Map m -> {
        Map<String, Node> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, node(v)));
        yield new Node(out, m.line());
      }
      case LocatedYaml.Seq s -> {
        List<Node> out = new ArrayList<>();
        s.items().forEach(i -> out.add(node(i)));
        yield new Node(out, s.line());
      }
      case LocatedYaml.Null n -> new Node(null, n.line());
      case LocatedYaml.Scalar sc -> new Node(sc.text(), sc.line());
    };
  }
}
