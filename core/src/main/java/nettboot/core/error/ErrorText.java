package nettboot.core.error;

import java.util.Locale;

/** Renders untrusted input for one-line, client-safe error messages. */
public final class ErrorText {
  /** At most this many characters of untrusted text appear in a message. */
  public static final int MAX_CHARS = 64;

  private ErrorText() {}

  /** Untrusted text for an error message: quoted, at most 64 chars, non-printables escaped. */
  public static String printable(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        sb.append(c);
      } else {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return sb.append(text.length() > n ? "...\"" : "\"").toString();
  }
}
