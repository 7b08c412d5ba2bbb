package nettboot.core.talos;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree whose every node remembers the line and column it came
 * from (the streaming parser's token locations), so that validation can say {@code
 * nodes.yaml:12:7}. Scalars are kept as their text: no YAML type guessing turns a MAC such as
 * {@code 10:20:30:40:50:59} into a number.
 */
public sealed interface LocatedYaml {
  int line();

  int column();

  /** What this node is, for "expected a mapping, got a list" messages. */
  String kind();

  record Scalar(String text, int line, int column) implements LocatedYaml {
    @Override
    public String kind() {
      return "a scalar";
    }
  }

  record Null(int line, int column) implements LocatedYaml {
    @Override
    public String kind() {
      return "nothing (null)";
    }
  }

  record Seq(List<LocatedYaml> items, int line, int column) implements LocatedYaml {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A mapping; {@code keys} holds each key's own location (for "unknown field" problems). */
  record Map(java.util.Map<String, LocatedYaml> entries, java.util.Map<String, Scalar> keys,
      List<Scalar> duplicateKeys, int line, int column) implements LocatedYaml {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** Syntax errors carry the location the parser stopped at. */
  final class SyntaxError extends Exception {
    private final int line;
    private final int column;

    SyntaxError(String message, int line, int column) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }
  }

  /** Parses one YAML document (the first, when a stream holds several). Null for an empty input. */
  static LocatedYaml parse(String text) throws SyntaxError {
    YAMLFactory factory = YAMLFactory.builder()
        .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    try (JsonParser p = factory.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      return read(p);
    } catch (IOException e) {
      var loc = e instanceof com.fasterxml.jackson.core.JacksonException je ? je.getLocation() : null;
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      int at = msg.indexOf(" at [Source");
      if (at > 0) {
        msg = msg.substring(0, at);
      }
      throw new SyntaxError("YAML syntax: " + msg, loc == null ? 0 : loc.getLineNr(),
          loc == null ? 0 : loc.getColumnNr());
    }
  }

  private static LocatedYaml read(JsonParser p) throws IOException {
    var loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        java.util.Map<String, LocatedYaml> entries = new LinkedHashMap<>();
        java.util.Map<String, Scalar> keys = new LinkedHashMap<>();
        List<Scalar> dups = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          var kl = p.currentTokenLocation();
          Scalar key = new Scalar(p.currentName(), kl.getLineNr(), kl.getColumnNr());
          p.nextToken();
          LocatedYaml value = read(p);
          if (entries.containsKey(key.text())) {
            dups.add(key);
          } else {
            entries.put(key.text(), value);
            keys.put(key.text(), key);
          }
        }
        return new Map(entries, keys, dups, line, col);
      }
      case START_ARRAY -> {
        List<LocatedYaml> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p));
        }
        return new Seq(items, line, col);
      }
      case VALUE_NULL -> {
        return new Null(line, col);
      }
      default -> {
        return new Scalar(p.getText(), line, col);
      }
    }
  }
}
