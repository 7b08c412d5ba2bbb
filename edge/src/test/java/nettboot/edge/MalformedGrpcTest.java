package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A malformed gRPC frame on the events sink (the compressed flag set without any grpc-encoding),
 * sent by a raw HTTP/2 client: the call ends at once with gRPC status INTERNAL and is logged,
 * rather than hanging until the client gives up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedGrpcTest {
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  @Test
  void aCompressedFrameWithoutEncodingEndsTheCallWithInternal() throws Exception {
    HttpClient client = f.vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      byte[] frame = {1, 0, 0, 0, 3, 'a', 'b', 'c'};
      String status = client.request(new RequestOptions().setMethod(HttpMethod.POST).setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(f.server.eventsPort(), "::1")).setHost("localhost")
              .setPort(f.server.eventsPort()).setURI("/events.EventSinkService/Publish"))
          .compose(req -> req.putHeader("content-type", "application/grpc").putHeader("te", "trailers")
              .send(Buffer.buffer(frame)))
          .compose(resp -> resp.end().map(v -> grpcStatus(resp)))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(status).isEqualTo("13");
      f.awaitLog("talos_event_malformed");
      f.log.close(); // flushes: nothing went unhandled
      assertThat(f.logs()).doesNotContain("uncaught_exception");
    } finally {
      client.close();
    }
  }

  static String grpcStatus(HttpClientResponse resp) {
    String s = resp.getHeader("grpc-status");
    return s != null ? s : resp.getTrailer("grpc-status");
  }
}
