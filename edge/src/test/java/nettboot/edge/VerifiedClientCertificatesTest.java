package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import nettboot.core.pki.EmbeddedCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-certificate cache: full PKIX validation once per distinct chain, then only the
 * validity window; failures never cached; another certificate never served from the cache.
 * (The listeners' refusal of foreign-CA, expired and missing certificates over real TLS is in
 * BootListenerTest and the core TLS tests.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerifiedClientCertificatesTest {
  EmbeddedCa ca;
  EmbeddedCa foreign;

  @BeforeAll
  void pki(@TempDir Path tmp) {
    ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.test.nett", List.of("::1"), Clock.systemUTC());
    ca.issueTenant("acme");
    ca.issueTenant("globex");
    foreign = EmbeddedCa.init(tmp.resolve("foreign"), "boot.test.nett", List.of("::1"), Clock.systemUTC());
    foreign.issueTenant("acme");
  }

  static X509Certificate[] chain(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).limit(1).toArray(X509Certificate[]::new);
    }
  }

  /** Counts full validations. */
  static final class Counting extends X509ExtendedTrustManager {
    final X509ExtendedTrustManager real;
    final AtomicInteger calls = new AtomicInteger();

    Counting(X509ExtendedTrustManager real) {
      this.real = real;
    }

    @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException {
      calls.incrementAndGet();
      real.checkClientTrusted(c, a, s);
    }
    @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
      calls.incrementAndGet();
      real.checkClientTrusted(c, a, e);
    }
    @Override public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
      calls.incrementAndGet();
      real.checkClientTrusted(c, a);
    }
    @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
    @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
    @Override public X509Certificate[] getAcceptedIssuers() {
      return real.getAcceptedIssuers();
    }
  }

  static final class MovableClock extends Clock {
    Instant now = Instant.now();

    @Override public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }
    @Override public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
    @Override public Instant instant() {
      return now;
    }
  }

  private Counting pkix() {
    X509ExtendedTrustManager real = VerifiedClientCertificates.forCa(ca.rootCertPath(), Clock.systemUTC());
    // unwrap: a fresh cache over the real PKIX validator, counted
    return new Counting(real);
  }

  @Test
  void aChainIsValidatedOnceThenTrustedUntilTheTtl() throws Exception {
    Counting counting = pkix();
    MovableClock clock = new MovableClock();
    VerifiedClientCertificates tm = new VerifiedClientCertificates(counting, clock, Duration.ofMinutes(10), 100);
    X509Certificate[] acme = chain(ca.tenantCertPath("acme"));
    for (int i = 0; i < 1000; i++) {
      // a fresh object per handshake, as the TLS engine hands it over
      tm.checkClientTrusted(chain(ca.tenantCertPath("acme")), "ECDHE_ECDSA", (SSLEngine) null);
    }
    assertThat(counting.calls).hasValue(1);
    tm.checkClientTrusted(chain(ca.tenantCertPath("globex")), "ECDHE_ECDSA", (SSLEngine) null);
    assertThat(counting.calls).hasValue(2);
    clock.now = clock.now.plus(Duration.ofMinutes(11));
    tm.checkClientTrusted(acme, "ECDHE_ECDSA", (SSLEngine) null);
    assertThat(counting.calls).as("validated again after the TTL").hasValue(3);
  }

  @Test
  void failuresAreNeverCachedAndAnotherCertificateIsNeverServedFromTheCache() throws Exception {
    Counting counting = pkix();
    VerifiedClientCertificates tm = new VerifiedClientCertificates(counting, Clock.systemUTC(), Duration.ofMinutes(10), 100);
    tm.checkClientTrusted(chain(ca.tenantCertPath("acme")), "ECDHE_ECDSA", (SSLEngine) null);
    // Same subject, another CA: a different chain, validated and refused, every time.
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> tm.checkClientTrusted(chain(foreign.tenantCertPath("acme")), "ECDHE_ECDSA",
          (SSLEngine) null)).isInstanceOf(CertificateException.class);
    }
    assertThat(counting.calls).hasValue(4);
    assertThat(tm.size()).isEqualTo(1);
    assertThatThrownBy(() -> tm.checkClientTrusted(new X509Certificate[0], "ECDHE_ECDSA", (SSLEngine) null))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void aCachedCertificatePastItsNotAfterIsValidatedAgainAndRefused() throws Exception {
    Counting counting = pkix();
    MovableClock clock = new MovableClock();
    VerifiedClientCertificates tm = new VerifiedClientCertificates(counting, clock, Duration.ofDays(100_000), 100);
    X509Certificate[] acme = chain(ca.tenantCertPath("acme"));
    tm.checkClientTrusted(acme, "ECDHE_ECDSA", (SSLEngine) null);
    clock.now = acme[0].getNotAfter().toInstant().plusSeconds(1);
    // the cache window ends at notAfter; the full validation then runs (with the real clock it
    // passes here, so assert the call count: the cached entry was not used)
    tm.checkClientTrusted(acme, "ECDHE_ECDSA", (SSLEngine) null);
    assertThat(counting.calls).hasValue(2);
  }

  @Test
  void theCacheIsBounded() throws Exception {
    Counting counting = pkix();
    VerifiedClientCertificates tm = new VerifiedClientCertificates(counting, Clock.systemUTC(), Duration.ofMinutes(10), 1);
    tm.checkClientTrusted(chain(ca.tenantCertPath("acme")), "ECDHE_ECDSA", (SSLEngine) null);
    tm.checkClientTrusted(chain(ca.tenantCertPath("globex")), "ECDHE_ECDSA", (SSLEngine) null);
    assertThat(tm.size()).isEqualTo(1);
  }
}
