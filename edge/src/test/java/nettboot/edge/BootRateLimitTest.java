package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot lookups beyond the per-address budget (a burst of 3 and 1 a second here) are answered 429
 * with Retry-After, the same short body for every refusal, and counted in /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootRateLimitTest {
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp, null, Duration.ZERO, UnaryOperator.identity(), c -> c.withLimits(c.limits().withAddressBudget(3, 1)));
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @Test
  void lookupsBeyondTheAddressBudgetAreAnswered429WithRetryAfter() {
    WebClient medium = f.ipxeLike("acme");
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(f.get(medium, f.bootUrl("/v1/boot/52:54:00:00:01:" + String.format("%02x", i))));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(answers.get(i).statusCode()).isEqualTo(404);
    }
    List<HttpResponse<Buffer>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(refused).isNotEmpty();
    for (HttpResponse<Buffer> r : refused) {
      assertThat(Integer.parseInt(r.getHeader("retry-after"))).isBetween(1, 60);
      assertThat(r.bodyAsString()).isEqualTo(BootRoutes.RATE_LIMITED_BODY + "\n");
    }
    String metrics = f.get(f.client(new io.vertx.ext.web.client.WebClientOptions()), f.opsUrl("/metrics"))
        .bodyAsString();
    assertThat(PrometheusText.sample(metrics, "nettboot_boot_lookups_refused_total", "limit", "address"))
        .isEqualTo(refused.size());
  }
}
