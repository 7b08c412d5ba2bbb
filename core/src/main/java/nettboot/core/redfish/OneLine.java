package nettboot.core.redfish;

/** Text from a BMC squeezed into one bounded line for reports. */
final class OneLine {
  static final int MAX = 300;

  private OneLine() {}

  static String of(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return t.length() > MAX ? t.substring(0, MAX) + "…" : t;
  }
}
