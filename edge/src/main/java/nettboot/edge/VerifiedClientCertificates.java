package nettboot.edge;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import nettboot.core.error.InvalidInputException;

/**
 * Client-certificate verification for the mTLS listeners that remembers what it has verified.
 *
 * <p>Every machine of a tenant presents the same certificate (the tenant medium carries one), so a
 * reboot storm of ten thousand machines verifies a handful of distinct chains ten thousand times:
 * a PKIX path validation with an ECDSA signature check in Java each time (tens of microseconds per
 * handshake). This trust manager runs the JDK's PKIX validation and the {@link ChainConstraints}
 * PKIX leaves out (the root's path length, clientAuth) the first time it sees a chain
 * (byte for byte: the key is the SHA-256 of every certificate's DER encoding) and then trusts that
 * exact chain again until the leaf's {@code notAfter} or for at most {@link #DEFAULT_TTL},
 * whichever comes first; the validity window is checked against the clock on every handshake.
 * Only successes are remembered; failures always go through the full validation. The TLS handshake
 * itself still proves that the client holds the certificate's private key (BoringSSL checks its
 * CertificateVerify); this cache only skips re-validating a chain already found valid.
 */
final class VerifiedClientCertificates extends X509ExtendedTrustManager {
  static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  static final int DEFAULT_CAPACITY = 4096;

  private final X509ExtendedTrustManager pkix;
  private final Clock clock;
  private final Duration ttl;
  private final int capacity;
  private final X509Certificate[] anchors;
  private final ConcurrentHashMap<Key, Window> verified = new ConcurrentHashMap<>();

  /** Until when a verified chain is trusted without validation, and from when (the leaf's notBefore). */
  private record Window(Instant notBefore, Instant until) {}

  /** SHA-256 over the chain's DER encodings. */
  private record Key(byte[] digest) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(digest, k.digest);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(digest);
    }
  }

  VerifiedClientCertificates(X509ExtendedTrustManager pkix, Clock clock, Duration ttl, int capacity) {
    this.pkix = pkix;
    this.clock = clock;
    this.ttl = ttl;
    this.capacity = capacity;
    this.anchors = pkix.getAcceptedIssuers();
  }

  /** PKIX over the CA certificates in the PEM file, with the default TTL and capacity. */
  static VerifiedClientCertificates forCa(Path caPem, Clock clock) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new InvalidInputException(caPem.toString(), "no certificate in the client CA file");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new VerifiedClientCertificates(x, clock, DEFAULT_TTL, DEFAULT_CAPACITY);
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException(caPem.toString(), "cannot load the client CA: " + e.getMessage());
    }
  }

  int size() {
    return verified.size();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, () -> pkix.checkClientTrusted(chain, authType));
  }

  private interface Validation {
    void run() throws CertificateException;
  }

  private void check(X509Certificate[] chain, Validation full) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    Key key = key(chain);
    Instant now = clock.instant();
    Window w = verified.get(key);
    if (w != null && !now.isBefore(w.notBefore()) && now.isBefore(w.until())) {
      return;
    }
    full.run();
    ChainConstraints.check(chain, anchors);
    if (verified.size() >= capacity) {
      verified.clear(); // bounded; a few distinct chains per tenant in practice
    }
    Instant notAfter = chain[0].getNotAfter().toInstant();
    Instant until = now.plus(ttl).isBefore(notAfter) ? now.plus(ttl) : notAfter;
    verified.put(key, new Window(chain[0].getNotBefore().toInstant(), until));
  }

  private static Key key(X509Certificate[] chain) throws CertificateException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (X509Certificate c : chain) {
        byte[] der = c.getEncoded();
        sha.update((byte) (der.length >>> 24));
        sha.update((byte) (der.length >>> 16));
        sha.update((byte) (der.length >>> 8));
        sha.update((byte) der.length);
        sha.update(der);
      }
      return new Key(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
