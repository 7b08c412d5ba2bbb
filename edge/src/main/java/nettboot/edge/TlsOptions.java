package nettboot.edge;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import nettboot.core.error.UnavailableException;

/**
 * Listener options. TLS uses the OpenSSL engine (BoringSSL): the JDK engine rejects iPXE's
 * bracketed SNI and costs 3x the CPU per handshake. TLS 1.2 stays enabled because iPXE 2.0 speaks
 * nothing newer.
 */
final class TlsOptions {
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  /**
   * AEAD suites only: for TLS 1.2 ECDHE with the server's ECDSA key and AES-GCM or ChaCha20-Poly1305
   * (iPXE 2.0 negotiates ECDHE-ECDSA-AES128-GCM-SHA256, curl any of them); no CBC, no SHA-1 MACs,
   * no static RSA. TLS 1.3's suites are all AEAD.
   */
  static final java.util.List<String> CIPHER_SUITES = java.util.List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsOptions() {}

  static void requireOpenSsl() {
    if (!OpenSSLEngineOptions.isAvailable()) {
      throw new UnavailableException("the OpenSSL TLS engine (netty-tcnative BoringSSL) is not "
          + "available on this platform; nett-boot needs it for iPXE compatibility",
          io.netty.handler.ssl.OpenSsl.unavailabilityCause());
    }
  }

  /** Common socket settings: large accept backlog, idle timeout, no compression. */
  static HttpServerOptions base(EdgeConfig c, ListenAddress at) {
    return new HttpServerOptions()
        .setHost(at.host())
        .setPort(at.port())
        .setAcceptBacklog(4096)
        .setIdleTimeout((int) c.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setCompressionSupported(false)
        .setHttp2ClearTextEnabled(false) // HTTP/1.1 only: every connection gets the strict decoder
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setMaxInitialLineLength(4096)
        .setMaxHeaderSize(16 * 1024);
  }

  /**
   * TLS with the server chain; with {@code clientTrust}, a client certificate it accepts (issued by
   * the platform CA) is required; null means server-only TLS.
   */
  static HttpServerOptions tls(EdgeConfig c, ListenAddress at, javax.net.ssl.X509TrustManager clientTrust) {
    HttpServerOptions o = base(c, at)
        .setSsl(true)
        .setSslEngineOptions(new OpenSSLEngineOptions().setSessionCacheEnabled(true))
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(c.serverCert().toString())
            .setKeyPath(c.serverKey().toString()))
        .setEnabledSecureTransportProtocols(PROTOCOLS)
        .setSslHandshakeTimeout(c.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    CIPHER_SUITES.forEach(o::addEnabledCipherSuite);
    if (clientTrust != null) {
      o.setTrustOptions(io.vertx.core.net.TrustOptions.wrap(clientTrust))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    return o;
  }
}
