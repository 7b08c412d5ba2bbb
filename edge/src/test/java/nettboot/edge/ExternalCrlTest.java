package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.CrlIssuer;
import nettboot.core.pki.Pem;
import nettboot.core.pki.Revocation;
import nettboot.core.pki.RevocationReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --crl}: a CRL signed by the platform CA is loaded at start-up and refreshed; a
 * certificate it lists is refused at the handshake. A refresh that does not verify (another key)
 * or is stale is refused, logged, and the previous CRL stays in force. A server whose CRL does
 * not verify does not start.
 */
class ExternalCrlTest {
  @Test
  void crlIsLoadedRefreshedAndABadOneIsRefusedKeepingThePrevious(@TempDir Path tmp) throws Exception {
    Path crl = tmp.resolve("ca.crl");
    UnaryOperator<EdgeConfig> withCrl = c -> {
      write(crl, tmp.resolve("pki"), List.of(), Instant.now().plus(Duration.ofDays(1)), null);
      return c.withCrl(new CrlSources(List.of(crl.toString()), Duration.ofSeconds(1)));
    };
    try (EdgeFixture f = new EdgeFixture(tmp, null, Duration.ZERO, UnaryOperator.identity(), withCrl)) {
      f.awaitLog("\"crl_loaded\"");
      assertThat(f.get(fresh(f, "acme"), f.bootUrl(RevocationTest.UNKNOWN)).statusCode()).isEqualTo(404);
      X509Certificate acme = Pem.readCertificates(f.ca.tenantCertPath("acme")).get(0);
      Revocation r = new Revocation(Revocation.serialOf(acme), "acme", RevocationReason.KEY_COMPROMISE,
          Instant.now(), "");

      // the next refresh lists acme: refused at the handshake (the CRL is the source in the log)
      write(crl, tmp.resolve("pki"), List.of(r), Instant.now().plus(Duration.ofDays(1)), null);
      awaitRefused(f, "acme");
      f.awaitLog("\"source\":\"" + crl + "\"");
      assertThat(f.get(fresh(f, "globex"), f.bootUrl(RevocationTest.UNKNOWN)).statusCode()).isEqualTo(404);

      // a CRL signed by another key, without acme: refused, the previous one kept
      write(crl, tmp.resolve("pki"), List.of(), Instant.now().plus(Duration.ofDays(1)), otherKey());
      f.awaitLog("signature does not verify");
      assertThat(RevocationTest.refusal(fresh(f, "acme").getAbs(f.bootUrl(RevocationTest.UNKNOWN)).send()))
          .isEqualTo("handshake");

      // a stale CRL: refused, the previous one kept
      write(crl, tmp.resolve("pki"), List.of(), Instant.now().minus(Duration.ofMinutes(1)), null);
      f.awaitLog("stale: nextUpdate");
      assertThat(f.logs()).contains("\"crl_refresh_failed\"");
      assertThat(RevocationTest.refusal(fresh(f, "acme").getAbs(f.bootUrl(RevocationTest.UNKNOWN)).send()))
          .isEqualTo("handshake");
    }
  }

  @Test
  void aServerWhoseCrlDoesNotVerifyDoesNotStart(@TempDir Path tmp) {
    Path crl = tmp.resolve("ca.crl");
    UnaryOperator<EdgeConfig> withBadCrl = c -> {
      write(crl, tmp.resolve("pki"), List.of(), Instant.now().plus(Duration.ofDays(1)), otherKey());
      return c.withCrl(new CrlSources(List.of(crl.toString()), Duration.ofSeconds(60)));
    };
    assertThatThrownBy(() -> new EdgeFixture(tmp, null, Duration.ZERO, UnaryOperator.identity(), withBadCrl))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("signature does not verify");
  }

  static WebClient fresh(EdgeFixture f, String tenant) {
    return f.client(f.options(f.ca.tenantCertPath(tenant), f.ca.tenantKeyPath(tenant)).setKeepAlive(false));
  }

  static void awaitRefused(EdgeFixture f, String tenant) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      var sent = fresh(f, tenant).getAbs(f.bootUrl(RevocationTest.UNKNOWN)).send();
      var r = nettboot.core.testsupport.Futures.await(sent.otherwise((io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>) null));
      if (r == null) {
        return;
      }
      assertThat(System.nanoTime()).as("never refused").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Writes a PEM CRL of the PKI's root (or signed by {@code key} instead, under the root's name). */
  static void write(Path file, Path pki, List<Revocation> revoked, Instant nextUpdate, PrivateKey key) {
    X509Certificate root = Pem.readCertificates(pki.resolve("root-ca.crt")).get(0);
    PrivateKey signer = key != null ? key : Pem.readPrivateKey(pki.resolve("root-ca.key"));
    Instant thisUpdate = nextUpdate.minus(Duration.ofDays(2)).isBefore(Instant.now())
        ? Instant.now().minus(Duration.ofDays(2)) : Instant.now().minusSeconds(1);
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, CrlIssuer.pem(CrlIssuer.sign(root, signer, revoked, thisUpdate, nextUpdate)));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static PrivateKey otherKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair().getPrivate();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

}
