package nettboot.edge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP (optionally TLS) client for tests of what HTTP clients never send: bytes written all at
 * once or one at a time with a pause, and whatever comes back until the server closes.
 */
final class RawConnection {
  /** What came back, whether the server closed the connection, and how many bytes were written. */
  record Result(String received, boolean closedByServer, int bytesSent) {}

  private RawConnection() {}

  static NetClientOptions plain() {
    return new NetClientOptions().setConnectTimeout(10_000);
  }

  /** TLS trusting the fixture's root, presenting the certificate (null: none). */
  static NetClientOptions tls(EdgeFixture f, Path cert, Path key) {
    NetClientOptions o = plain().setSsl(true).setHostnameVerificationAlgorithm("")
        .setTrustOptions(new PemTrustOptions().addCertPath(f.ca.rootCertPath().toString()));
    if (cert != null) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    }
    return o;
  }

  /**
   * Connects to [::1]:port, writes the data (all at once when pauseMillis is 0, else one byte per
   * pause) and collects the answer until the server closes or {@code max} has passed.
   */
  static Result exchange(Vertx vertx, NetClientOptions options, int port, String data, long pauseMillis,
      Duration max) throws Exception {
    NetClient client = vertx.createNetClient(options);
    try {
      NetSocket socket = client.connect(port, "::1").toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
      Buffer received = Buffer.buffer();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      AtomicInteger sent = new AtomicInteger();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.complete(null));
      if (pauseMillis == 0) {
        socket.write(Buffer.buffer(bytes));
        sent.set(bytes.length);
      } else {
        vertx.setPeriodic(pauseMillis, id -> {
          if (closed.isDone() || sent.get() >= bytes.length) {
            vertx.cancelTimer(id);
            return;
          }
          socket.write(Buffer.buffer(new byte[] {bytes[sent.getAndIncrement()]}));
        });
      }
      boolean byServer;
      try {
        closed.get(max.toMillis(), TimeUnit.MILLISECONDS);
        byServer = true;
      } catch (TimeoutException e) {
        byServer = false;
        socket.close();
      }
      return new Result(received.toString(StandardCharsets.ISO_8859_1), byServer, sent.get());
    } finally {
      client.close();
    }
  }
}
