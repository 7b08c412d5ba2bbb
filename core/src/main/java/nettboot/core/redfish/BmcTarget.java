package nettboot.core.redfish;

import java.net.URI;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;

/**
 * One BMC to talk to: a name for reports (the node), its base URL ({@code https://host[:port]}),
 * credentials and how its certificate is trusted.
 */
public record BmcTarget(String name, URI url, BmcCredentials credentials, BmcTrust trust) {
  public BmcTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(trust, "trust");
    url = requireBmcUrl("url", url == null ? null : url.toString());
    if ("http".equals(url.getScheme()) && !(trust instanceof BmcTrust.Insecure)) {
      throw new InvalidInputException("url", "plain http:// sends credentials unencrypted; use https:// "
          + "or mark the BMC insecure explicitly");
    }
  }

  /**
   * Parses a BMC base URL: http or https, a host, no user info, query or fragment; a path other
   * than "/" is refused because the Redfish service root is always /redfish/v1/.
   */
  public static URI requireBmcUrl(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "missing; expected https://HOST[:PORT]");
    }
    URI u;
    try {
      u = new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException(field, "not a URL (" + e.getReason() + "); expected https://HOST[:PORT]");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
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
    String path = u.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      throw new InvalidInputException(field, "no path expected (the Redfish root is always /redfish/v1/); got " + path);
    }
    if (u.getPort() == 0 || u.getPort() > 65535) {
      throw new InvalidInputException(field, "port out of range");
    }
    return URI.create(scheme + "://" + u.getRawAuthority());
  }

  /** The host:port part for messages. */
  public String display() {
    return url.toString();
  }
}
