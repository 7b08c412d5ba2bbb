package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP framing over raw sockets on every listener: a request with both Content-Length and
 * Transfer-Encoding is answered 400 and the connection closed (RFC 9112 §6.1); an HTTP parse error
 * is counted as a protocol error, not as a TLS handshake failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FramingTest {
  static final String SMUGGLE = "POST /v1/boot/52:54:00:00:00:01 HTTP/1.1\r\nHost: x\r\n"
      + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private RawConnection.Result send(NetClientOptions o, int port, String request) throws Exception {
    return RawConnection.exchange(f.vertx, o, port, request, 0, Duration.ofSeconds(20));
  }

  private void assertRefusedAndClosed(RawConnection.Result r) {
    assertThat(r.received()).startsWith("HTTP/1.1 400");
    assertThat(r.closedByServer()).isTrue();
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndClosedOnTheOpsListener() throws Exception {
    assertRefusedAndClosed(send(RawConnection.plain(), f.server.opsPort(), SMUGGLE));
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndClosedOnTheBootListener() throws Exception {
    assertRefusedAndClosed(send(RawConnection.tls(f, f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme")),
        f.server.bootPort(), SMUGGLE));
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndClosedOnTheAdminListener() throws Exception {
    assertRefusedAndClosed(send(RawConnection.tls(f, f.ca.adminCertPath("operator"), f.ca.adminKeyPath("operator")),
        f.server.adminPort(), SMUGGLE.replace("/v1/boot/52:54:00:00:00:01", "/v1/admin/machines")));
  }

  @Test
  void contentLengthWithTransferEncodingIsRefusedAndClosedOnTheConfigListener() throws Exception {
    assertRefusedAndClosed(send(RawConnection.tls(f, null, null), f.server.configPort(),
        SMUGGLE.replace("/v1/boot/52:54:00:00:00:01", "/v1/config")));
  }

  @Test
  void anOversizedRequestLineIsAProtocolErrorNotAHandshakeFailure() throws Exception {
    String line = "GET /v1/boot/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    RawConnection.Result r = send(RawConnection.tls(f, f.ca.tenantCertPath("globex"), f.ca.tenantKeyPath("globex")),
        f.server.bootPort(), line);
    assertThat(r.received()).startsWith("HTTP/1.").contains(" 414 ");
    String metrics = f.get(f.client(new io.vertx.ext.web.client.WebClientOptions()), f.opsUrl("/metrics"))
        .bodyAsString();
    assertThat(metrics).doesNotContainPattern("(?m)^nettboot_tls_handshake_failures_total\\{(.*,)?listener=\"boot\"[,}]");
    assertThat(metrics).containsPattern("(?m)^nettboot_http_protocol_errors_total\\{(.*,)?listener=\"boot\"[,}]");
  }
}
