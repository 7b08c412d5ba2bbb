package nettboot.core.redfish;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;

/**
 * One BMC to talk to: a name for reports (the node), its base URL ({@code https://host[:port]},
 * optionally with a path prefix under which a proxy serves {@code /redfish/v1/}), credentials, how
 * its certificate is trusted, and which of its systems is meant ({@code system}: the System's
 * {@code Id} or {@code @odata.id}; null when the BMC must have exactly one).
 */
public record BmcTarget(String name, URI url, BmcCredentials credentials, BmcTrust trust, String system) {
  /** Longest system selector accepted. */
  public static final int MAX_SYSTEM = 200;

  public BmcTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(trust, "trust");
    url = requireBmcUrl("url", url == null ? null : url.toString());
    if ("http".equals(url.getScheme()) && !(trust instanceof BmcTrust.Insecure)) {
      throw new InvalidInputException("url", "plain http:// sends credentials unencrypted; use https:// "
          + "or mark the BMC insecure explicitly");
    }
    system = system == null ? null : requireSystem("system", system);
  }

  public BmcTarget(String name, URI url, BmcCredentials credentials, BmcTrust trust) {
    this(name, url, credentials, trust, null);
  }

  /**
   * Parses a BMC base URL: http or https, a host, no user info, query or fragment. A path is a
   * prefix under which the Redfish service lives ({@code https://proxy/bmc7} serves {@code
   * /bmc7/redfish/v1/}); a trailing {@code /redfish/v1} is dropped, as is a trailing slash.
   */
  public static URI requireBmcUrl(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "missing; expected https://HOST[:PORT][/PREFIX]");
    }
    URI u;
    try {
      u = new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException(field, "not a URL (" + e.getReason() + "); expected https://HOST[:PORT]");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new InvalidInputException(field, "scheme must be https (or http for a debugging simulator); got "
          + (scheme.isEmpty() ? "none" : scheme));
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new InvalidInputException(field, "no host; IPv6 literals are written in brackets: https://[fd00::1]");
    }
    if (u.getRawUserInfo() != null) {
      throw new InvalidInputException(field, "credentials do not belong in the URL; use the user and password fields");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new InvalidInputException(field, "no query or fragment expected in a BMC base URL");
    }
    if (u.getPort() == 0 || u.getPort() > 65535) {
      throw new InvalidInputException(field, "port out of range");
    }
    return URI.create(scheme + "://" + u.getRawAuthority() + prefix(field, u.getRawPath()));
  }

  private static String prefix(String field, String rawPath) {
    String p = rawPath == null ? "" : rawPath;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith("/redfish/v1")) {
      p = p.substring(0, p.length() - "/redfish/v1".length());
    }
    if (p.length() > 200 || !p.matches("(/[A-Za-z0-9._~!$'()*+,;=:@%-]+)*")) {
      throw new InvalidInputException(field, "path prefix must be /SEGMENT[/SEGMENT...] of URL characters; got " + p);
    }
    if (p.contains("/../") || p.endsWith("/..") || p.contains("/./") || p.endsWith("/.")) {
      throw new InvalidInputException(field, "path prefix must not contain . or .. segments");
    }
    return p;
  }

  /**
   * A system selector: the System's {@code Id} ({@code System.Embedded.1}) or its {@code
   * @odata.id} ({@code /redfish/v1/Systems/2}); printable, no spaces, bounded.
   */
  public static String requireSystem(String field, String text) {
    String s = text == null ? "" : text.strip();
    if (s.isEmpty()) {
      throw new InvalidInputException(field, "empty; expected the System's Id or @odata.id");
    }
    if (s.length() > MAX_SYSTEM || !s.matches("[A-Za-z0-9._~!$'()*+,;=:@%/-]+")) {
      throw new InvalidInputException(field, "expected the System's Id (e.g. System.Embedded.1) or @odata.id "
          + "(e.g. /redfish/v1/Systems/1): printable URL characters, at most " + MAX_SYSTEM);
    }
    if (s.contains("/") && !s.startsWith("/redfish/v1/Systems/")) {
      throw new InvalidInputException(field, "an @odata.id selector starts with /redfish/v1/Systems/; got " + s);
    }
    return s;
  }

  /** The path prefix ("" or {@code /a/b}) under which the BMC serves {@code /redfish/v1/}. */
  public String prefix() {
    String p = url.getRawPath();
    return p == null ? "" : p;
  }

  /** The BMC for messages: its URL, and the system when one is selected. */
  public String display() {
    return url.toString() + (system == null ? "" : " system " + system);
  }

  /** The BMC itself (scheme, authority and prefix): nodes with the same key share one BMC. */
  public String bmcKey() {
    return url.toString();
  }
}
