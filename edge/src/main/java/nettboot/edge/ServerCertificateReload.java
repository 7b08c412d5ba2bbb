package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.Pem;

/**
 * Reloads the server certificate and key when their files change on disk (replaced by an external
 * tool, a renewal), on every TLS listener instance, without dropping a connection: Vert.x's
 * {@code updateSSLOptions(options, force=true)} with the complete options (key and chain,
 * protocols, suites, handshake timeout, and for the boot and admin listeners the client-certificate
 * verification with client auth required). Open connections keep the TLS session they have; new
 * handshakes get the new certificate.
 *
 * <p>A change is taken only when the pair is whole: the chain parses and the key belongs to its
 * first certificate (a tool writing the key before the certificate is seen half-way and skipped
 * until the next check). A refused pair is logged ({@code server_certificate_reload_refused}) and
 * the current certificate stays. Reading and checking block: call {@link #checkBlocking} on a worker.
 */
final class ServerCertificateReload {
  /** One TLS listener instance: its server and its client-certificate verification (null: none). */
  record Listener(String name, HttpServer server, X509TrustManager clientTrust) {}

  private final EdgeConfig config;
  private final JsonLog log;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile String fingerprint;

  ServerCertificateReload(EdgeConfig config, JsonLog log) {
    this.config = config;
    this.log = log;
    this.fingerprint = fingerprintQuietly();
  }

  void add(Listener l) {
    listeners.add(l);
  }

  /** The complete TLS options of a listener, as {@link TlsOptions#tls} sets them at start-up. */
  static ServerSSLOptions options(EdgeConfig c, X509TrustManager clientTrust) {
    ServerSSLOptions o = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(c.serverCert().toString())
            .setKeyPath(c.serverKey().toString()))
        .setEnabledSecureTransportProtocols(TlsOptions.PROTOCOLS)
        .setSslHandshakeTimeout(c.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    TlsOptions.CIPHER_SUITES.forEach(o::addEnabledCipherSuite);
    if (clientTrust != null) {
      o.setTrustOptions(TrustOptions.wrap(clientTrust)).setClientAuth(ClientAuth.REQUIRED);
    }
    return o;
  }

  /**
   * Checks the files; when they changed and hold a whole pair, updates every listener. Returns
   * whether it reloaded. Blocks on the files (and waits for the updates): call it on a worker.
   */
  boolean checkBlocking(Vertx vertx) {
    String now;
    X509Certificate leaf;
    try {
      now = fingerprint();
      if (now.equals(fingerprint)) {
        return false;
      }
      leaf = verifiedPair();
    } catch (RuntimeException e) {
      log.warn("server_certificate_reload_refused", JsonLog.fields("certificate", config.serverCert().toString(),
          "error", String.valueOf(e.getMessage()), "kept", "the current certificate"));
      return false;
    }
    List<Future<Boolean>> updates = new ArrayList<>();
    for (Listener l : listeners) {
      updates.add(l.server().updateSSLOptions(options(config, l.clientTrust()), true));
    }
    try {
      Future.all(updates).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("server_certificate_reload_failed", JsonLog.fields("error", String.valueOf(e.getMessage())));
      return false;
    }
    fingerprint = now;
    log.info("server_certificate_reloaded", JsonLog.fields("subject", leaf.getSubjectX500Principal().getName(),
        "serial", leaf.getSerialNumber().toString(16), "not_after", leaf.getNotAfter().toInstant().toString(),
        "listeners", listeners.size()));
    return true;
  }

  private X509Certificate verifiedPair() {
    List<X509Certificate> chain = Pem.readCertificates(config.serverCert());
    PrivateKey key = Pem.readPrivateKey(config.serverKey());
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance("SHA256withECDSA");
      v.initVerify(chain.get(0).getPublicKey());
      v.update(probe);
      if (!v.verify(sig)) {
        throw new InvalidInputException(config.serverKey().toString(),
            "does not belong to the first certificate of " + config.serverCert());
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(config.serverKey().toString(), "cannot check the key: " + e.getMessage());
    }
    return chain.get(0);
  }

  private String fingerprint() {
    try {
      MessageDigest sha = SecureFiles.newSha256();
      sha.update(Files.readAllBytes(config.serverCert()));
      sha.update((byte) 0);
      sha.update(Files.readAllBytes(config.serverKey()));
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new InvalidInputException(config.serverCert().toString(), "cannot read: " + e.getMessage());
    }
  }

  private String fingerprintQuietly() {
    try {
      return fingerprint();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
