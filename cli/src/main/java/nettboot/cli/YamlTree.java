package nettboot.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nettboot.core.error.InvalidInputException;

/**
 * A YAML document as maps, lists and scalars that remember their line, so errors can say
 * {@code file:line}. Only what a small configuration file needs.
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
    try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
      if (p.nextToken() == null) {
        return new Node(null, 1);
      }
      return node(p);
    } catch (java.io.FileNotFoundException e) {
      throw new InvalidInputException(file.toString(), "file not found");
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new InvalidInputException(file + ":" + line, "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage());
    }
  }

  private static Node node(JsonParser p) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Node> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        m.put(key, node(p));
      }
      return new Node(m, line);
    }
    if (t == JsonToken.START_ARRAY) {
      List<Node> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(node(p));
      }
      return new Node(l, line);
    }
    if (t == JsonToken.VALUE_NULL) {
      return new Node(null, line);
    }
    return new Node(p.getText(), line);
  }
}
