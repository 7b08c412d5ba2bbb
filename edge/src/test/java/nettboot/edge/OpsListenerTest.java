package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsListenerTest {
  @Test
  void metricsHealthAndReadiness(@TempDir Path tmp) {
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      f.get(f.tenant("acme"), f.bootUrl("/v1/boot/52:54:00:00:00:99"));
      f.get(f.tenant("acme"), f.bootUrl("/v1/boot/bad"));
      WebClient plain = f.client(new WebClientOptions());
      HttpResponse<Buffer> metrics = f.get(plain, f.opsUrl("/metrics"));
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.bodyAsString())
          .contains("nettboot_http_requests_total{listener=\"boot\",endpoint=\"boot\",status=\"404\",tenant=\"acme\"} 1")
          .contains("nettboot_http_requests_total{listener=\"boot\",endpoint=\"boot\",status=\"400\",tenant=\"acme\"} 1")
          .contains("nettboot_boot_decision_seconds_count 2")
          .contains("# TYPE nettboot_boot_decision_seconds histogram");
      assertThat(f.get(plain, f.opsUrl("/healthz")).statusCode()).isEqualTo(200);
      assertThat(f.get(plain, f.opsUrl("/readyz")).bodyAsString().strip()).isEqualTo("ready");
    }
  }
}
