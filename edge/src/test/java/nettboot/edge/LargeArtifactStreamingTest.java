package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts larger than many streaming chunks over real TLS: whole and Range bodies are the file's
 * bytes exactly, and a client that stops reading does not make the server buffer the file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeArtifactStreamingTest {
  static final int SIZE = 24 * 1024 * 1024 + 12_345; // not a multiple of the chunk size
  EdgeFixture f;
  WebClient acme;
  byte[] blob;
  NetClient raw;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
    blob = new byte[SIZE];
    new Random(7).nextBytes(blob);
    f.uploadArtifact("big", blob);
    acme = f.ipxeLike("acme");
    raw = f.vertx.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertPath(f.ca.rootCertPath().toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(f.ca.tenantCertPath("acme").toString())
            .setKeyPath(f.ca.tenantKeyPath("acme").toString())));
  }

  @AfterAll
  void stop() {
    await(raw.close());
    f.close();
  }

  private HttpResponse<Buffer> get(String range) {
    var req = acme.getAbs(f.bootUrl("/v1/artifacts/big"));
    if (range != null) {
      req.putHeader("range", range);
    }
    return f.send(req);
  }

  @Test
  void wholeBodyIsTheFileByteForByte() {
    HttpResponse<Buffer> r = get(null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-length")).isEqualTo(Integer.toString(SIZE));
    assertThat(r.body().getBytes()).isEqualTo(blob);
    awaitNothingBuffered();
  }

  @Test
  void rangesAcrossChunkBoundariesAreExact() {
    int chunk = FileBody.CHUNK;
    long[][] ranges = {{0, 0}, {0, chunk - 1}, {chunk - 1, chunk}, {chunk - 7, 3L * chunk + 5},
        {12_345_678, 12_345_678 + (1 << 20) - 1}, {SIZE - chunk - 3, SIZE - 1}, {SIZE - 1, SIZE - 1}};
    for (long[] rg : ranges) {
      HttpResponse<Buffer> r = get("bytes=" + rg[0] + "-" + rg[1]);
      assertThat(r.statusCode()).as(Arrays.toString(rg)).isEqualTo(206);
      assertThat(r.getHeader("content-range")).isEqualTo("bytes " + rg[0] + "-" + rg[1] + "/" + SIZE);
      assertThat(r.body().getBytes()).as(Arrays.toString(rg))
          .isEqualTo(Arrays.copyOfRange(blob, (int) rg[0], (int) rg[1] + 1));
    }
    HttpResponse<Buffer> suffix = get("bytes=-100000");
    assertThat(suffix.body().getBytes()).isEqualTo(Arrays.copyOfRange(blob, SIZE - 100_000, SIZE));
    awaitNothingBuffered();
  }

  @Test
  void aStalledReaderHoldsAtMostTheInFlightChunksThenGetsEveryByte() throws Exception {
    NetSocket so = await(raw.connect(f.server.bootPort(), "::1"));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Buffer head = Buffer.buffer();
    long[] body = {0};
    Promise<Void> complete = Promise.promise();
    boolean[] inBody = {false};
    so.handler(b -> {
      if (inBody[0]) {
        sha.update(b.getBytes());
        body[0] += b.length();
      } else {
        head.appendBuffer(b);
        int end = headEnd(head);
        if (end < 0) {
          return;
        }
        inBody[0] = true;
        Buffer rest = head.getBuffer(end, head.length());
        sha.update(rest.getBytes());
        body[0] += rest.length();
      }
      if (body[0] == SIZE) {
        complete.tryComplete();
      }
    });
    so.pause();
    await(so.write("GET /v1/artifacts/big HTTP/1.1\r\nhost: boot.test.nett\r\n\r\n"));
    // The kernel's socket buffers fill up; then the server must wait, not read the file ahead.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (f.server.metrics().bufferedBytes() == 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    TimeUnit.MILLISECONDS.sleep(500);
    long held = f.server.metrics().bufferedBytes();
    assertThat(held).isGreaterThan(0).isLessThanOrEqualTo((long) FileBody.MAX_IN_FLIGHT * FileBody.CHUNK);
    so.resume();
    await(complete.future());
    assertThat(new String(head.getBytes(0, headEnd(head)), StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + SIZE);
    assertThat(HexFormat.of().formatHex(sha.digest()))
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob)));
    await(so.close());
    awaitNothingBuffered();
  }

  @Test
  void aClientLeavingMidStreamReleasesTheBuffers() throws Exception {
    NetSocket so = await(raw.connect(f.server.bootPort(), "::1"));
    so.handler(b -> { });
    so.pause();
    await(so.write("GET /v1/artifacts/big HTTP/1.1\r\nhost: boot.test.nett\r\n\r\n"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (f.server.metrics().bufferedBytes() == 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    assertThat(f.server.metrics().bufferedBytes()).isGreaterThan(0);
    await(so.close());
    awaitNothingBuffered();
    // The server still serves afterwards.
    assertThat(get("bytes=0-9").body().getBytes()).isEqualTo(Arrays.copyOfRange(blob, 0, 10));
  }

  @Test
  void manyConcurrentDownloadsShareTheLoopBudgetAndAllGetTheirBytes() {
    int clients = 3 * ChunkBudget.CHUNKS_PER_LOOP; // more responses than a loop has chunks
    WebClient many = WebClient.create(f.vertx, f.options(f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme")),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(clients));
    List<io.vertx.core.Future<HttpResponse<Buffer>>> all = new java.util.ArrayList<>();
    for (int i = 0; i < clients; i++) {
      long from = (long) i * 100_003 % (SIZE - (1 << 20));
      all.add(many.getAbs(f.bootUrl("/v1/artifacts/big"))
          .putHeader("range", "bytes=" + from + "-" + (from + (1 << 20) - 1)).send());
    }
    await(io.vertx.core.Future.all(all));
    for (int i = 0; i < clients; i++) {
      int from = (int) ((long) i * 100_003 % (SIZE - (1 << 20)));
      HttpResponse<Buffer> r = all.get(i).result();
      assertThat(r.statusCode()).isEqualTo(206);
      assertThat(r.body().getBytes()).as("client " + i).isEqualTo(Arrays.copyOfRange(blob, from, from + (1 << 20)));
    }
    many.close();
    awaitNothingBuffered();
  }

  @Test
  void readersThatStopCannotStarveTheOthers() throws Exception {
    // Enough stalled whole-file downloads to hold every chunk of every loop.
    List<NetSocket> stalled = new java.util.ArrayList<>();
    for (int i = 0; i < 2 * ChunkBudget.CHUNKS_PER_LOOP; i++) {
      NetSocket so = await(raw.connect(f.server.bootPort(), "::1"));
      so.handler(b -> { });
      so.pause();
      await(so.write("GET /v1/artifacts/big HTTP/1.1\r\nhost: boot.test.nett\r\n\r\n"));
      stalled.add(so);
    }
    try {
      long t0 = System.nanoTime();
      HttpResponse<Buffer> r = get("bytes=0-" + ((1 << 20) - 1));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      assertThat(r.body().getBytes()).isEqualTo(Arrays.copyOfRange(blob, 0, 1 << 20));
      // stalled chunks are written off after ChunkBudget.STALL_MILLIS
      assertThat(seconds).as("a good client waited behind stalled ones").isLessThan(15);
    } finally {
      for (NetSocket so : stalled) {
        await(so.close());
      }
    }
    awaitNothingBuffered();
  }

  /** Index just after the blank line ending the response head, or -1. */
  private static int headEnd(Buffer b) {
    for (int i = 3; i < b.length(); i++) {
      if (b.getByte(i - 3) == '\r' && b.getByte(i - 2) == '\n' && b.getByte(i - 1) == '\r' && b.getByte(i) == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  private void awaitNothingBuffered() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (f.server.metrics().bufferedBytes() != 0 && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(f.server.metrics().bufferedBytes()).as("bytes still buffered by file bodies").isZero();
  }
}
