package nettboot.edge;

import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.net.Socket;
import java.security.cert.CRLReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Refuses revoked client certificates on one mTLS listener (boot or admin; artifacts are served on
 * the boot listener), in two places:
 *
 * <ul>
 *   <li>the TLS handshake: a new connection with a revoked certificate fails with the alert
 *       {@code certificate_revoked} before any HTTP. For a tenant medium that is iPXE's {@code chain}
 *       failing, so the medium's script goes to {@code localboot} and the machine boots its disk,
 *       exactly as on a 404;
 *   <li>every request: a connection opened before the revocation (keep-alive) gets 403 on its
 *       next request.
 * </ul>
 *
 * <p>Each refusal is counted ({@code nettboot_revoked_certificates_refused_total} by listener and
 * stage) and logged once as {@code client_certificate_revoked} with the serial and tenant.
 */
final class RevocationGuard extends X509ExtendedTrustManager {
  private final String listener;
  private final X509ExtendedTrustManager next;
  private final Revocations revocations;
  private final Metrics metrics;
  private final JsonLog log;

  RevocationGuard(String listener, X509ExtendedTrustManager next, Revocations revocations,
      Metrics metrics, JsonLog log) {
    this.listener = listener;
    this.next = next;
    this.revocations = revocations;
    this.metrics = metrics;
    this.log = log;
  }

  /** The guard for {@code listener} in front of the services' client-certificate verification. */
  static RevocationGuard of(String listener, EdgeServices s) {
    return new RevocationGuard(listener, s.clientTrust(), s.revocations(), s.metrics(), s.log());
  }

  /**
   * For a request handler: true (and a 403 sent) when the connection's client certificate has
   * been revoked since the handshake.
   */
  static boolean refused(RoutingContext ctx, String listener, EdgeServices s) {
    HttpConnection conn = ctx.request().connection();
    List<java.security.cert.Certificate> chain;
    try {
      chain = conn.peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return false; // no certificate: the identity check refuses it
    }
    Optional<Revocations.Hit> hit = s.revocations().check(chain);
    if (hit.isEmpty()) {
      return false;
    }
    refusal(s.metrics(), s.log(), listener, "request", hit.get());
    RequestScope scope = RequestScope.of(ctx);
    if (scope != null) {
      scope.note = "client certificate revoked";
      scope.tenant = hit.get().tenant().isEmpty() ? null : hit.get().tenant();
    }
    HttpErrors.sendText(ctx.response(), 403, "forbidden: the client certificate has been revoked");
    return true;
  }

  private static void refusal(Metrics metrics, JsonLog log, String listener, String stage,
      Revocations.Hit hit) {
    metrics.revokedRefused(listener, stage);
    log.warn("client_certificate_revoked", JsonLog.fields("listener", listener, "stage", stage,
        "serial", hit.serial(), "tenant", hit.tenant(), "reason", hit.reason().wireName(),
        "source", hit.source()));
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      return; // the verification behind refuses it
    }
    Optional<Revocations.Hit> hit = revocations.check(Arrays.asList(chain));
    if (hit.isPresent()) {
      refusal(metrics, log, listener, "handshake", hit.get());
      throw new CertificateRevokedException(new Date(), CRLReason.values()[hit.get().reason().code],
          chain[0].getIssuerX500Principal(), Map.of());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
    next.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
    next.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
    next.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    next.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    next.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    next.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return next.getAcceptedIssuers();
  }
}
