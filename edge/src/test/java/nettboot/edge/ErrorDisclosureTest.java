package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import nettboot.core.testsupport.BrokenStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a tenant's client and stderr never see: a store's error text (fault injected with
 * {@link BrokenStores}; on a full disk it is SQLite's {@code [SQLITE_FULL] …}) reaches the log only,
 * the boot listener answers a generic line with the request id; an exception no handler caught
 * becomes a JSON log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorDisclosureTest {
  final BrokenStores broken = new BrokenStores();
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp, null, Duration.ZERO, broken::wrap);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @Test
  void aStoreErrorReachesTheLogNotTheTenant() {
    broken.fail();
    try {
      HttpResponse<Buffer> r = f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/52:54:00:00:00:01"));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.bodyAsString()).doesNotContain(BrokenStores.MESSAGE)
          .startsWith("service unavailable, try again later (request id ").hasLineCount(1);
      f.awaitLog(BrokenStores.MESSAGE);
    } finally {
      broken.recover();
    }
  }

  @Test
  void anUncaughtExceptionIsAJsonLogLine() {
    f.vertx.runOnContext(v -> {
      throw new IllegalStateException("nobody caught this");
    });
    f.awaitLog("\"event\":\"uncaught_exception\"");
    assertThat(f.logs()).contains("nobody caught this");
  }
}
