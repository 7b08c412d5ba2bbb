package nettboot.core.redfish;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Which failures are worth another attempt. Responses: 429/502/503/504, iDRAC's SYS518 and "eject
 * in progress", iLO's "changes not allowed during POST". Transport: dropped connections, missing
 * answers (deadline), refused connections (a BMC restarting its web server). Never TLS failures.
 */
final class TransientErrors {
  private TransientErrors() {}

  /** The named reason to retry this response, or empty when it is final. */
  static Optional<String> of(RedfishResponse r) {
    String text = r.errorText().toLowerCase(Locale.ROOT);
    if (text.contains("sys518")) {
      return Optional.of("iDRAC SYS518 (virtual media busy) is transient");
    }
    if (text.contains("eject in progress") || text.contains("ejectinprogress")) {
      return Optional.of("\"eject in progress\" is transient");
    }
    if (text.contains("during post") || text.contains("duringsystempost")) {
      return Optional.of("iLO refuses changes during POST until the system leaves POST");
    }
    return switch (r.status()) {
      case 429 -> Optional.of("HTTP 429 (rate limited)");
      case 502, 503, 504 -> Optional.of("HTTP " + r.status() + " (BMC busy)");
      default -> Optional.empty();
    };
  }

  /**
   * Whether this transient reason lasts as long as a machine's POST (minutes), so it is retried
   * until the task deadline rather than a fixed number of times.
   */
  static boolean lastsLong(String reason) {
    return reason.contains("during POST");
  }

  /** A transport failure: the one-line reason, and whether another attempt may help. */
  record Transport(String reason, boolean transientFailure) {}

  /**
   * Classifies a failed request in one line, without the library's wording (no hex dumps).
   *
   * @param timeoutMillis the answer deadline of that request
   * @param scheme {@code http} or {@code https}: names a protocol mismatch as such
   */
  static Transport of(Throwable t, long timeoutMillis, String scheme, RedfishOptions options) {
    boolean tls = "https".equals(scheme);
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String type = c.getClass().getSimpleName();
      if (type.equals("NotSslRecordException")) {
        return new Transport("plain HTTP on an HTTPS port: the BMC answered without TLS (use its HTTPS port, or "
            + "http:// with insecure: true)", false);
      }
      if (type.equals("SslHandshakeTimeoutException")) {
        return new Transport("no TLS handshake within " + options.handshakeTimeout().toMillis() + " ms: the port "
            + "accepts connections but does not complete TLS", false);
      }
      if (c instanceof java.security.cert.CertificateException) {
        return new Transport("TLS certificate not trusted: " + message(c), false);
      }
    }
    String ssl = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SSLException) {
        ssl = message(c); // the innermost says most
      }
    }
    if (ssl != null) {
      return new Transport("TLS handshake failed: " + ssl, false);
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String type = c.getClass().getSimpleName();
      if (c instanceof UnknownHostException) {
        return new Transport("unreachable: unknown host " + message(c), false);
      }
      if (type.equals("ConnectTimeoutException")) {
        return new Transport("no TCP connection within " + options.connectTimeout().toMillis() + " ms (host down, "
            + "or a firewall drops the connection)", true);
      }
      if (c instanceof NoRouteToHostException) {
        return new Transport("unreachable: no route to host", true);
      }
      if (c instanceof ConnectException) {
        return new Transport("unreachable: connection refused (nothing listens on that port)", true);
      }
      if (message(c).contains("getting a connection")) {
        return new Transport("no connection within " + (options.connectTimeout().toMillis()
            + (tls ? options.handshakeTimeout().toMillis() : 0)) + " ms" + (tls ? " (TCP connect and TLS handshake)" : ""),
            true);
      }
      if (c instanceof TimeoutException || type.contains("Timeout")) {
        return new Transport("no answer within " + timeoutMillis + " ms", true);
      }
      if (!tls && (type.contains("Decoder") || type.contains("TooLongFrame")
          || message(c).toLowerCase(Locale.ROOT).contains("invalid version"))) {
        return new Transport("plain HTTP on an HTTPS port: the BMC did not answer in HTTP (use https://)", false);
      }
    }
    String m = message(t).toLowerCase(Locale.ROOT);
    if (m.contains("closed") || m.contains("reset") || m.contains("broken pipe")) {
      if (!tls) {
        return new Transport("connection closed without an answer (plain HTTP to an HTTPS port? then use https://)",
            true);
      }
      return new Transport("connection dropped: " + OneLine.of(message(t)), true);
    }
    return new Transport(OneLine.of(message(t)), false);
  }

  private static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
