package nettboot.edge;

/**
 * A single satisfiable byte range of a representation ({@code first..last} inclusive), and the
 * parser for the {@code Range} header (RFC 9110 section 14).
 */
public record ByteRange(long first, long last) {

  public long length() {
    return last - first + 1;
  }

  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /** What a Range header asks for. */
  public sealed interface Request {}

  /** No usable Range header (absent, another unit, several ranges or malformed): send it all. */
  public record Whole() implements Request {}

  /** One satisfiable range: 206. */
  public record Partial(ByteRange range) implements Request {}

  /** A well-formed range that selects nothing of a representation of this size: 416. */
  public record Unsatisfiable() implements Request {}

  private static final Whole WHOLE = new Whole();

  /**
   * Parses a {@code Range} header against a representation of {@code size} bytes. Multiple ranges
   * are answered with the whole representation (allowed by RFC 9110; iPXE and BMCs send one).
   * Malformed headers are ignored, as the RFC requires.
   */
  public static Request parse(String header, long size) {
    if (header == null) {
      return WHOLE;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return WHOLE;
    }
    String spec = h.substring(6).trim();
    if (spec.isEmpty() || spec.indexOf(',') >= 0) {
      return WHOLE;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        // suffix range: the last N bytes
        if (b.isEmpty() || !digits(b)) {
          return WHOLE;
        }
        long n = Long.parseLong(b);
        if (n == 0 || size == 0) {
          return new Unsatisfiable();
        }
        long first = Math.max(0, size - n);
        return new Partial(new ByteRange(first, size - 1));
      }
      if (!digits(a) || (!b.isEmpty() && !digits(b))) {
        return WHOLE;
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (last < first) {
        return WHOLE; // syntactically invalid: ignore
      }
      if (first >= size) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(first, Math.min(last, size - 1)));
    } catch (NumberFormatException e) {
      return WHOLE; // more digits than a long holds
    }
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
