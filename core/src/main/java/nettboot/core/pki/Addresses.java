package nettboot.core.pki;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.Names;

/**
 * Strict validation of the addresses that go into certificates: IPv4 and IPv6 literals are parsed
 * by hand (no resolver is ever asked), so text such as {@code 2001:db8:meta::1} (a non-hex group) is
 * refused instead of being taken for a host name.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * A server address: an IPv4 literal, an IPv6 literal (no brackets, no zone) or a lower-case DNS
   * name. Text made only of digits and dots must be IPv4, text with a colon must be IPv6.
   *
   * @return the canonical text: IPv6 in RFC 5952 form, everything else unchanged
   */
  public static String requireServerAddress(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, "missing; expected an IPv4/IPv6 address or a DNS name");
    }
    if (value.indexOf(':') >= 0 || value.startsWith("[")) {
      return canonical(requireIpv6(field, value));
    }
    if (value.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return canonical(requireIpv4(field, value));
    }
    return requireDomain(field, value);
  }

  /** A lower-case DNS name (not an IP literal), at most 253 characters. */
  public static String requireDomain(String field, String value) {
    Names.requireHostname(field, value);
    if (parseIpv4(value) != null) {
      throw new InvalidInputException(field, "expected a DNS name, not an IP address: " + ErrorText.printable(value));
    }
    return value;
  }

  /** Parses an IPv6 literal strictly (1-4 hex digits per group, at most one "::"). */
  public static byte[] requireIpv6(String field, String value) {
    byte[] b = parseIpv6(value);
    if (b == null) {
      throw new InvalidInputException(field, "not a valid IPv6 address: " + ErrorText.printable(value)
          + " (eight groups of 1-4 hex digits, '::' at most once, no brackets or zone)");
    }
    return b;
  }

  /** Parses an IPv4 dotted-quad literal strictly (four decimal octets, no leading zeros). */
  public static byte[] requireIpv4(String field, String value) {
    byte[] b = parseIpv4(value);
    if (b == null) {
      throw new InvalidInputException(field, "not a valid IPv4 address: " + ErrorText.printable(value)
          + " (four decimal octets 0-255 without leading zeros)");
    }
    return b;
  }

  /**
   * A socket's peer address as text without its zone, IPv6 in RFC 5952 form: the form config
   * fetches are recorded in and Talos events are attributed by. Anything that is not an IP literal
   * is returned without its zone, unchanged.
   */
  public static String canonicalPeer(String hostAddress) {
    int zone = hostAddress.indexOf('%');
    String bare = zone >= 0 ? hostAddress.substring(0, zone) : hostAddress;
    return ipLiteral(bare).map(Addresses::canonical).orElse(bare);
  }

  /** The 4 or 16 address bytes when {@code value} is a valid IP literal, else empty. */
  public static Optional<byte[]> ipLiteral(String value) {
    if (value == null) {
      return Optional.empty();
    }
    byte[] b = value.indexOf(':') >= 0 ? parseIpv6(value) : parseIpv4(value);
    return Optional.ofNullable(b);
  }

  /** Text form of 4 or 16 address bytes; IPv6 per RFC 5952 (lower case, longest zero run "::"). */
  public static String canonical(byte[] addr) {
    if (addr.length == 4) {
      return (addr[0] & 0xff) + "." + (addr[1] & 0xff) + "." + (addr[2] & 0xff) + "." + (addr[3] & 0xff);
    }
    if (addr.length != 16) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes");
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  static byte[] parseIpv4(String s) {
    if (s == null || s.isEmpty() || s.length() > 15) {
      return null;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  static byte[] parseIpv6(String s) {
    if (s == null || s.length() < 2 || s.length() > 45) {
      return null;
    }
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null; // "::" twice, or ":::"
    }
    List<Integer> head;
    List<Integer> tail;
    if (dbl >= 0) {
      head = groups(s.substring(0, dbl), false);
      tail = groups(s.substring(dbl + 2), true);
    } else {
      head = groups(s, true);
      tail = List.of();
    }
    if (head == null || tail == null) {
      return null;
    }
    int total = head.size() + tail.size();
    if (dbl < 0 ? total != 8 : total > 7) {
      return null;
    }
    byte[] out = new byte[16];
    int i = 0;
    for (int g : head) {
      out[i++] = (byte) (g >> 8);
      out[i++] = (byte) g;
    }
    i = 16 - 2 * tail.size();
    for (int g : tail) {
      out[i++] = (byte) (g >> 8);
      out[i++] = (byte) g;
    }
    return out;
  }

  /** 16-bit groups of a colon-separated run; the last may be a dotted IPv4 when allowed. */
  private static List<Integer> groups(String run, boolean lastMayBeIpv4) {
    List<Integer> out = new ArrayList<>();
    if (run.isEmpty()) {
      return out;
    }
    String[] parts = run.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (lastMayBeIpv4 && i == parts.length - 1 && p.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0 || p.charAt(k) > 'f') {
          return null;
        }
        v = (v << 4) | d;
      }
      out.add(v);
    }
    return out;
  }
}
