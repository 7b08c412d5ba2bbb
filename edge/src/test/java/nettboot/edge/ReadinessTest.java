package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import nettboot.core.testsupport.BrokenStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /readyz} follows the store's real write path and latency, as the readiness probe measures
 * them: frozen storage (every answer late) and a full disk (reads work, writes fail) make the
 * replica unready within a probe period, and ready again once the fault clears.
 */
class ReadinessTest {
  static final String ACTIVE = "5a5a5a5a-0000-4000-8000-000000000011";
  static final String OTHER = "5a5a5a5a-0000-4000-8000-000000000012";

  @Test
  void frozenStorageIsNotReadyOnceTheWriteMissesItsDeadline(@TempDir Path tmp) {
    BrokenStores broken = new BrokenStores();
    try (EdgeFixture f = new EdgeFixture(tmp, null, Duration.ZERO, broken::wrap)) {
      f.awaitReadyz(200);
      broken.slow(ReadinessProbe.DEADLINE.plusSeconds(2));
      HttpResponse<Buffer> notReady = f.awaitReadyz(503);
      assertThat(notReady.bodyAsString())
          .isEqualTo("not ready: store write timed out after 2000 ms\n");
      assertThat(f.logs()).contains("store_not_ready");

      broken.recover();
      assertThat(f.awaitReadyz(200).bodyAsString()).isEqualTo("ready\n");
    }
  }

  @Test
  void aFullDiskIsNotReadyWhileReadsStillAnswer(@TempDir Path tmp) {
    BrokenStores broken = new BrokenStores();
    try (EdgeFixture f = new EdgeFixture(tmp, null, Duration.ZERO, broken::wrap)) {
      f.profileFor("acme");
      f.enroll("acme", ACTIVE, null, "Provisioning", "Active");
      f.awaitReadyz(200);

      broken.failWrites();
      assertThat(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + ACTIVE)).statusCode())
          .as("reads work: the Active machine is told to boot its disk").isEqualTo(404);
      HttpResponse<Buffer> enrol = f.adminJson(HttpMethod.POST, "/v1/admin/machines",
          new JsonObject().put("tenant", "acme").put("role", "worker").put("uuid", OTHER));
      assertThat(enrol.statusCode()).isEqualTo(503);
      HttpResponse<Buffer> notReady = f.awaitReadyz(503);
      assertThat(notReady.bodyAsString())
          .isEqualTo("not ready: store write failed: " + BrokenStores.MESSAGE + "\n");

      broken.recover();
      f.awaitReadyz(200);
      assertThat(f.adminJson(HttpMethod.POST, "/v1/admin/machines",
          new JsonObject().put("tenant", "acme").put("role", "worker").put("uuid", OTHER)).statusCode())
          .isEqualTo(201);
    }
  }
}
