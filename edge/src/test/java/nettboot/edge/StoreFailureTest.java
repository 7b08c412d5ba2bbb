package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import nettboot.core.testsupport.BrokenStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the listeners answer while the inventory database fails (injected with {@link BrokenStores}
 * under the production wiring) and after it recovers: 503 with one line on the boot listener (a
 * generic one: the store's text stays in the log) and the admin listener, {@code /readyz} not ready, {@code /healthz} still alive; with the boot cache, answers
 * that need no store are still served from memory.
 */
class StoreFailureTest {
  static final String ACTIVE = "5a5a5a5a-0000-4000-8000-000000000001";
  static final String PROVISIONING = "5a5a5a5a-0000-4000-8000-000000000002";
  static final String UNKNOWN = "5a5a5a5a-0000-4000-8000-000000000003";

  @Test
  void withoutTheCacheEveryStoreAnswerIs503AndReadinessFollowsTheStore(@TempDir Path tmp) {
    BrokenStores broken = new BrokenStores();
    try (EdgeFixture f = new EdgeFixture(tmp, null, Duration.ZERO, broken::wrap)) {
      enrolMachines(f);
      WebClient ops = f.client(new WebClientOptions());
      assertThat(readyz(f, ops).statusCode()).isEqualTo(200);

      broken.fail();
      assertUnavailableLine(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + ACTIVE)));
      assertUnavailableLine(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + UNKNOWN)));
      assertAdminUnavailable(f);
      HttpResponse<Buffer> notReady = f.awaitReadyz(503);
      // the write fails, or (a probe already past its write when the fault began) the boot read
      assertThat(notReady.bodyAsString()).isIn(
          "not ready: store write failed: " + BrokenStores.MESSAGE + "\n",
          "not ready: boot read failed: " + BrokenStores.MESSAGE + "\n");
      assertThat(f.get(ops, f.opsUrl("/healthz")).statusCode()).isEqualTo(200);

      broken.recover();
      HttpResponse<Buffer> ready = f.awaitReadyz(200);
      assertThat(ready.bodyAsString().strip()).isEqualTo("ready");
      assertThat(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + ACTIVE)).statusCode())
          .as("the Active machine boots its disk again").isEqualTo(404);
      assertThat(f.bootScript("acme", PROVISIONING)).startsWith("#!ipxe");
      assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withTheCacheAKnownMachineThatNeedsNoStoreIsStillAnsweredTheRestIs503(@TempDir Path tmp) {
    BrokenStores broken = new BrokenStores();
    try (EdgeFixture f = new EdgeFixture(tmp, null, Duration.ofSeconds(60), broken::wrap)) {
      enrolMachines(f);
      // Looked up once while the store works: both are now in this replica's memory.
      assertThat(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + ACTIVE)).statusCode()).isEqualTo(404);
      assertThat(f.bootScript("acme", PROVISIONING)).startsWith("#!ipxe");

      broken.fail();
      HttpResponse<Buffer> active = f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + ACTIVE));
      assertThat(active.statusCode()).as("Active: boot the disk, from memory").isEqualTo(404);
      assertThat(active.bodyAsString().strip()).isEqualTo(BootRoutes.LOCALBOOT_BODY);
      // An install boot reads (and may write) the store: refused, so iPXE boots the disk.
      assertUnavailableLine(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + PROVISIONING)));
      assertUnavailableLine(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + UNKNOWN)));
      assertAdminUnavailable(f);
      WebClient ops = f.client(new WebClientOptions());
      f.awaitReadyz(503);
      assertThat(f.get(ops, f.opsUrl("/healthz")).statusCode()).isEqualTo(200);

      broken.recover();
      f.awaitReadyz(200);
      assertThat(f.bootScript("acme", PROVISIONING)).startsWith("#!ipxe");
    }
  }

  private static void enrolMachines(EdgeFixture f) {
    f.profileFor("acme");
    f.enroll("acme", ACTIVE, null, "Provisioning", "Active");
    f.enroll("acme", PROVISIONING, null, "Provisioning");
  }

  private static HttpResponse<Buffer> readyz(EdgeFixture f, WebClient ops) {
    return f.get(ops, f.opsUrl("/readyz"));
  }

  /**
   * 503 and exactly one generic line with the request id: the store's error text stays in the log
   * (no stack trace, no database message reaches a tenant).
   */
  private static void assertUnavailableLine(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.getHeader("content-type")).startsWith("text/plain");
    assertThat(r.bodyAsString()).isEqualTo(TextErrors.unavailable(r.getHeader("x-request-id")) + "\n");
  }

  private static void assertAdminUnavailable(EdgeFixture f) {
    HttpResponse<Buffer> list = f.adminJson(HttpMethod.GET, "/v1/admin/machines", null);
    assertThat(list.statusCode()).isEqualTo(503);
    assertThat(list.bodyAsJsonObject().getString("error")).isEqualTo(BrokenStores.MESSAGE);
    HttpResponse<Buffer> enrol = f.adminJson(HttpMethod.POST, "/v1/admin/machines", new JsonObject()
        .put("tenant", "acme").put("role", "worker").put("uuid", UNKNOWN));
    assertThat(enrol.statusCode()).isEqualTo(503);
    assertThat(enrol.bodyAsJsonObject().getString("error")).isEqualTo(BrokenStores.MESSAGE);
  }
}
