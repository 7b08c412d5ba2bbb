package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import nettboot.core.pki.IssuedCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server certificate replaced on disk is reloaded on every TLS listener while a storm of new
 * mTLS handshakes runs across the reload: no handshake or request fails, connections opened
 * before the reload finish, and handshakes after it see the new certificate. A half-written pair
 * (key of another certificate) is refused and the current certificate kept.
 */
class ServerCertificateReloadTest {
  static final int CLIENTS = 8;

  @Test
  void replacedCertificateIsReloadedUnderAHandshakeStormWithoutFailures(@TempDir Path tmp) throws Exception {
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      HttpClientOptions o = new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(false)
          .setTrustOptions(new PemTrustOptions().addCertPath(f.ca.rootCertPath().toString()))
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(f.ca.tenantCertPath("acme").toString())
              .setKeyPath(f.ca.tenantKeyPath("acme").toString()));
      HttpClient client = f.vertx.httpClientBuilder().with(o).build();
      BigInteger before = serverSerial(client, f);

      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<BigInteger> seen = new ConcurrentLinkedQueue<>();
      Thread[] storm = new Thread[CLIENTS];
      for (int i = 0; i < CLIENTS; i++) {
        storm[i] = new Thread(() -> {
          while (running.get()) {
            try {
              seen.add(serverSerial(client, f));
              ok.incrementAndGet();
            } catch (Throwable t) {
              failures.add(String.valueOf(t));
            }
          }
        });
        storm[i].start();
      }
      while (ok.get() < 100) {
        Thread.sleep(10);
      }
      // a half-way state: the new key next to the old certificate is refused, the old one kept
      Path keep = tmp.resolve("old-cert.pem");
      Files.copy(f.ca.serverCertPath(), keep);
      IssuedCredential next = f.ca.issueServer(List.of("::1", "127.0.0.1"));
      Files.copy(keep, f.ca.serverCertPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(f.server.reloadServerCertificate()).isFalse();
      f.awaitLog("server_certificate_reload_refused");
      int atRefusal = ok.get();
      while (ok.get() < atRefusal + 100) {
        Thread.sleep(10);
      }
      // the whole new pair: reloaded
      Files.writeString(f.ca.serverCertPath(), nettboot.core.pki.Pem.certificatesToPem(
          List.of(next.certificate(), f.ca.rootCertificate())));
      assertThat(f.server.reloadServerCertificate()).isTrue();
      int atReload = ok.get();
      while (ok.get() < atReload + 200) {
        Thread.sleep(10);
      }
      running.set(false);
      for (Thread t : storm) {
        t.join();
      }
      BigInteger after = serverSerial(client, f);
      System.out.println("certificate reload under a handshake storm: " + ok.get() + " handshakes, "
          + failures.size() + " failed");
      assertThat(failures).as("handshake or request failures across the reload").isEmpty();
      assertThat(after).isEqualTo(next.certificate().getSerialNumber()).isNotEqualTo(before);
      assertThat(seen).contains(before, after);
      f.awaitLog("\"server_certificate_reloaded\"");
      // the other listeners too: the admin API answers with the new certificate
      assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/revocations", null).statusCode()).isEqualTo(200);
      client.close();
    }
  }

  /** One request on a new connection (a full handshake); the serial of the server's certificate. */
  static BigInteger serverSerial(HttpClient client, EdgeFixture f) {
    return await(client.request(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(f.bootUrl(RevocationTest.UNKNOWN)))
        .compose(req -> req.send().compose(resp -> {
          if (resp.statusCode() != 404) {
            return Future.failedFuture("status " + resp.statusCode());
          }
          try {
            X509Certificate leaf = (X509Certificate) req.connection().peerCertificates().get(0);
            return resp.body().map(b -> leaf.getSerialNumber());
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return Future.failedFuture(e);
          }
        })));
  }
}
