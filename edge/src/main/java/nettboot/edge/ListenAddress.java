package nettboot.edge;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;

/**
 * A listener address: {@code [IPv6]:port}, {@code IPv4:port} or {@code host:port}. Port 0 asks the
 * kernel for a free port (tests).
 */
public record ListenAddress(String host, int port) {
  private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+(?:%[A-Za-z0-9._-]+)?)\\]:(\\d{1,5})");
  private static final Pattern PLAIN = Pattern.compile("([A-Za-z0-9.-]+):(\\d{1,5})");

  public ListenAddress {
    if (port < 0 || port > 65535) {
      throw new InvalidInputException("port", port + " is outside 0..65535");
    }
  }

  /**
   * Parses the command-line form. IPv6 literals must be bracketed; their text is checked by the
   * JDK's literal parser (no DNS lookup), so {@code [2001:db8:meta::1]:443} is refused.
   */
  public static ListenAddress parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "missing; expected ADDR:PORT, e.g. [::1]:8443");
    }
    Matcher m = BRACKETED.matcher(text);
    if (m.matches()) {
      String host = m.group(1);
      if (!isIpLiteral(host) || !host.contains(":")) {
        throw new InvalidInputException(field, "'" + host + "' is not a valid IPv6 address");
      }
      return new ListenAddress(host, port(field, m.group(2)));
    }
    m = PLAIN.matcher(text);
    if (m.matches()) {
      return new ListenAddress(m.group(1), port(field, m.group(2)));
    }
    throw new InvalidInputException(field, "'" + text
        + "' is not ADDR:PORT (IPv6 literals in brackets: [::1]:8443)");
  }

  private static int port(String field, String digits) {
    int p = Integer.parseInt(digits);
    if (p > 65535) {
      throw new InvalidInputException(field, "port " + p + " is outside 0..65535");
    }
    return p;
  }

  /** Whether text is an IPv4 or IPv6 literal (checked without any name lookup). */
  public static boolean isIpLiteral(String text) {
    if (text == null || text.isEmpty() || !text.matches("[0-9A-Fa-f:.%A-Za-z_-]+")) {
      return false;
    }
    boolean v6 = text.contains(":");
    boolean v4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (!v6 && !v4) {
      return false;
    }
    if (v6 && !text.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?")) {
      return false;
    }
    try {
      // With a literal, getByName never resolves; it only parses.
      InetAddress.getByName(v6 ? text : text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The form used in URLs: IPv6 in brackets. */
  public String urlHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public String toString() {
    return urlHost() + ":" + port;
  }
}
