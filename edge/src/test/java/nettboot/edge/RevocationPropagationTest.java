package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.pki.IssuedCredential;
import nettboot.core.pki.Revocation;
import nettboot.core.store.StoreLocation;
import nettboot.core.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on one PostgreSQL database: a certificate revoked through replica A's admin API is
 * refused by replica B (new connections, each a full handshake) once B's change feed has
 * delivered it. Measures the time from A's answer to B's first refusal for several certificates
 * and prints it ({@code revocation propagation ms: …}); the bound asserted is only that it happens.
 */
class RevocationPropagationTest {
  static final int ROUNDS = 5;

  @Test
  void aRevocationOnOneReplicaIsRefusedByTheOther(@TempDir Path tmp) throws Exception {
    String url = TestPostgres.newDatabase();
    try (EdgeFixture a = new EdgeFixture(tmp.resolve("a"), url, Duration.ofSeconds(30),
        java.util.function.UnaryOperator.identity())) {
      ListenAddress any = new ListenAddress("::1", 0);
      EdgeConfig config = EdgeConfig.of(any, any, any, any, a.ca.serverCertPath(), a.ca.serverKeyPath(),
          a.ca.rootCertPath(), EdgeFixture.DOMAIN, tmp.resolve("b-artifacts")).withEventLoops(2)
          .withEvents(null);
      ByteArrayOutputStream bLog = new ByteArrayOutputStream();
      JsonLog log = new JsonLog(new PrintStream(bLog, true));
      EdgeServer b = EdgeServer.start(new EdgeServer.Settings(config,
          StoreLocation.of(tmp.resolve("b-data"), url), Duration.ofSeconds(30)), log, Clock.systemUTC());
      try {
        String bootB = "https://[::1]:" + b.bootPort() + RevocationTest.UNKNOWN;
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
          IssuedCredential t = a.ca.issueTenant("tenant" + i);
          WebClient client = a.client(a.options(t.certificatePath(), t.keyPath()).setKeepAlive(false));
          assertThat(a.get(client, bootB).statusCode()).as("replica B serves tenant" + i).isEqualTo(404);
          HttpResponse<Buffer> r = a.adminJson(HttpMethod.POST, "/v1/admin/revocations", new JsonObject()
              .put("serial", Revocation.serialOf(t.certificate())).put("reason", "key-compromise"));
          long revoked = System.nanoTime();
          assertThat(r.statusCode()).isEqualTo(201);
          long deadline = revoked + 30_000_000_000L;
          while (true) {
            // a new client per attempt: a full handshake, no resumed session
            WebClient probe = WebClient.create(a.vertx, a.options(t.certificatePath(), t.keyPath()).setKeepAlive(false));
            HttpResponse<Buffer> seen = await(probe.getAbs(bootB).send().otherwise((HttpResponse<Buffer>) null));
            probe.close();
            if (seen == null) {
              millis.add((System.nanoTime() - revoked) / 1_000_000);
              break;
            }
            assertThat(System.nanoTime()).as("replica B never refused tenant" + i).isLessThan(deadline);
          }
        }
        System.out.println("revocation propagation ms: " + millis + " (max "
            + millis.stream().mapToLong(Long::longValue).max().orElse(0) + ")");
        long logDeadline = System.nanoTime() + 5_000_000_000L;
        while (!bLog.toString().contains("\"tenant\":\"tenant0\"") && System.nanoTime() < logDeadline) {
          Thread.sleep(20);
        }
        assertThat(bLog.toString()).contains("\"client_certificate_revoked\"").contains("\"tenant\":\"tenant0\"");
      } finally {
        b.close();
        log.close();
      }
    }
  }
}
