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
      String text = metrics.bodyAsString();
      assertThat(PrometheusText.sample(text, "nettboot_http_requests_total",
          "listener", "boot", "endpoint", "boot", "status", "404", "tenant", "acme")).isEqualTo(1);
      assertThat(PrometheusText.sample(text, "nettboot_http_requests_total",
          "listener", "boot", "endpoint", "boot", "status", "400", "tenant", "acme")).isEqualTo(1);
      assertThat(PrometheusText.sample(text, "nettboot_boot_decision_seconds_count")).isEqualTo(2);
      assertThat(PrometheusText.sample(text, "nettboot_boot_decision_seconds_bucket", "le", "+Inf")).isEqualTo(2);
      assertThat(text).contains("# TYPE nettboot_boot_decision_seconds histogram");
      assertThat(PrometheusText.sample(text, "nettboot_artifact_buffered_bytes")).isZero();
      // the standard meters next to the domain ones
      assertThat(text).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads ",
          "jvm_classes_loaded_classes ", "process_cpu_usage ", "process_files_open_files ",
          "netty_eventexecutor_tasks_pending{", "vertx_http_server_active_connections{");
      assertThat(PrometheusText.sample(text, "vertx_http_server_requests_total", "code", "404",
          "method", "GET", "route", "/v1/boot/:id", "local", "::1:" + f.server.bootPort())).isEqualTo(1);
      // cardinality: no label carries a machine id, a raw path or a client address
      assertThat(text).doesNotContain("52:54:00:00:00:99").doesNotContain("remote=")
          .doesNotContain("path=");
      assertThat(f.get(plain, f.opsUrl("/healthz")).statusCode()).isEqualTo(200);
      assertThat(f.get(plain, f.opsUrl("/readyz")).bodyAsString().strip()).isEqualTo("ready");
    }
  }
}
