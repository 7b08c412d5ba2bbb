package nettboot.bench;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import nettboot.core.error.InvalidInputException;

/**
 * Where the load goes: host (no brackets), port, and the tenant credentials it presents. The one
 * place the tenant's TLS client options are built.
 */
record Target(String host, int port, Path rootCa, Path tenantCert, Path tenantKey) {
  /** TLS 1.2 suite iPXE 2.0 offers and both servers accept. */
  static final String CIPHER = "ECDHE-ECDSA-AES128-GCM-SHA256";

  /** A boot listener base URL (https://HOST:PORT) and the tenant T of a PKI directory (tenants/T.crt|key). */
  static Target of(String option, String url, Path pki, String tenant) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(option, "not a URL: " + url);
    }
    if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
      throw new InvalidInputException(option, "expected https://HOST:PORT, e.g. https://[::1]:8443");
    }
    String host = u.getHost().replace("[", "").replace("]", "");
    Path tenants = pki.resolve("tenants");
    return new Target(host, u.getPort(), pki.resolve("root-ca.crt"), tenants.resolve(tenant + ".crt"),
        tenants.resolve(tenant + ".key"));
  }

  String urlHost() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * The tenant's TLS as iPXE 2.0 speaks it, on an HTTP or a TCP client's options: TLS 1.2 only,
   * {@link #CIPHER}, the tenant certificate, the platform root as the trust anchor, the server's
   * name checked, no session resumption (every simulated machine handshakes in full).
   */
  <T extends ClientOptionsBase> T tenantTls(T options) {
    options.setSsl(true);
    options.setSslEngineOptions(new OpenSSLEngineOptions().setSessionCacheEnabled(false));
    options.setTrustOptions(new PemTrustOptions().addCertPath(rootCa.toString()));
    options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tenantCert.toString())
        .setKeyPath(tenantKey.toString()));
    options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2"));
    options.addEnabledCipherSuite(CIPHER);
    switch (options) {
      case HttpClientOptions http -> http.setVerifyHost(true);
      case NetClientOptions net -> net.setHostnameVerificationAlgorithm("HTTPS");
      default -> throw new IllegalArgumentException(options.getClass().getName());
    }
    return options;
  }
}
