package nettboot.edge;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads samples out of the Prometheus text exposition format, so tests assert a metric's name,
 * its exact label set and its value whatever the label order or number formatting.
 */
final class PrometheusText {
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  /**
   * The value of the sample {@code name} whose labels are exactly {@code labels} (name, value,
   * name, value, …), or NaN when there is none.
   */
  static double sample(String text, String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      Map<String, String> have = new TreeMap<>();
      if (rest.startsWith("{")) {
        int close = rest.lastIndexOf('}');
        Matcher m = LABEL.matcher(rest.substring(1, close));
        while (m.find()) {
          have.put(m.group(1), m.group(2));
        }
        rest = rest.substring(close + 1);
      } else if (!rest.startsWith(" ")) {
        continue; // a longer metric name
      }
      if (have.equals(want)) {
        return Double.parseDouble(rest.strip().split(" ")[0]);
      }
    }
    return Double.NaN;
  }
}
