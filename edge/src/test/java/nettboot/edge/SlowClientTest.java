package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and silent clients are cut off over real sockets: a request head sent at one byte a second
 * is cut at the request-head deadline (1 s here, before the idle deadline of 5 s) on the plain and the TLS listeners; a silent
 * connection to the events sink is closed at the idle deadline (5 s here). Each slow head is 40
 * bytes: a server without the deadline would wait the whole 40 s and answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientTest {
  static final String SLOW_HEAD = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaa\r\n\r\n";
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp, null, Duration.ZERO, UnaryOperator.identity(), c -> c.withIdleTimeout(Duration.ofSeconds(5))
        .withLimits(c.limits().withRequestHeadTimeout(Duration.ofSeconds(1))));
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @Test
  void aRequestHeadAtOneBytePerSecondIsCutOffOnTheOpsListener() throws Exception {
    RawConnection.Result r = RawConnection.exchange(f.vertx, RawConnection.plain(), f.server.opsPort(),
        SLOW_HEAD, 1000, Duration.ofSeconds(60));
    assertThat(r.closedByServer()).isTrue();
    assertThat(r.bytesSent()).isLessThan(SLOW_HEAD.length());
    assertThat(r.received()).isEmpty();
    assertThat(f.get(f.client(new io.vertx.ext.web.client.WebClientOptions()), f.opsUrl("/metrics"))
        .bodyAsString()).contains("nettboot_http_protocol_errors_total{kind=\"request_head_timeout\",listener=\"ops\"}");
  }

  @Test
  void aRequestHeadAtOneBytePerSecondIsCutOffOnTheBootListener() throws Exception {
    String head = SLOW_HEAD.replace("/healthz", "/v1/boot/52:54:00:00:00:01");
    RawConnection.Result r = RawConnection.exchange(f.vertx,
        RawConnection.tls(f, f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme")), f.server.bootPort(),
        head, 1000, Duration.ofSeconds(60));
    assertThat(r.closedByServer()).isTrue();
    assertThat(r.bytesSent()).isLessThan(head.length());
    assertThat(r.received()).isEmpty();
    assertThat(f.get(f.client(new io.vertx.ext.web.client.WebClientOptions()), f.opsUrl("/metrics"))
        .bodyAsString()).contains("nettboot_http_protocol_errors_total{kind=\"request_head_timeout\",listener=\"boot\"}");
  }

  @Test
  void aSilentConnectionToTheEventsSinkIsClosedAtItsIdleDeadline() throws Exception {
    RawConnection.Result r = RawConnection.exchange(f.vertx, RawConnection.plain(), f.server.eventsPort(),
        "", 0, Duration.ofSeconds(60));
    assertThat(r.closedByServer()).isTrue();
  }
}
