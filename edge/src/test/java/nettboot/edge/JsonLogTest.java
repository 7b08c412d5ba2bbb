package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class JsonLogTest {
  private static final Instant T = Instant.parse("2026-12-03T12:00:00.123Z");

  private static List<JsonObject> lines(ByteArrayOutputStream bytes) {
    return Arrays.stream(bytes.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> !l.isEmpty()).map(JsonObject::new).toList();
  }

  @Test
  void oneJsonObjectPerLineWithTimeFromTheClockLevelEventAndTypedFields() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLog log = new JsonLog(new PrintStream(bytes, true), Clock.fixed(T, ZoneOffset.UTC))) {
      log.info("server_started", JsonLog.fields("boot", "[::1]:443", "event_loops", 2,
          "duration_ms", 1.5, "native", true, "tenant", null));
      log.warn("boot_cross_tenant", Map.of("id", "x"));
      log.error("unexpected_error", Map.of());
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"ts\":\"2026-12-03T12:00:00.123Z\",\"level\":\"info\",\"event\":\"server_started\","
        + "\"boot\":\"[::1]:443\",\"event_loops\":2,\"duration_ms\":1.5,\"native\":true}\n");
    List<JsonObject> lines = lines(bytes);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).containsKey("tenant")).as("null fields are left out").isFalse();
    assertThat(lines.get(1).getString("level")).isEqualTo("warn");
    assertThat(lines.get(2).getString("level")).isEqualTo("error");
    assertThat(lines.get(2).fieldNames()).containsExactlyInAnyOrder("ts", "level", "event");
  }

  @Test
  void privateKeysTokensAndTokenQueryStringsAreRedacted() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLog log = new JsonLog(new PrintStream(bytes, true))) {
      log.info("careless", JsonLog.fields(
          "note", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----",
          "token", "s3cr3t-token-value",
          "tenant_key", "abc",
          "admin_password", "hunter2",
          "url", "https://[::1]:8443/v1/config/x?token=s3cr3t-token-value",
          "path", "/v1/config/x"));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain("MIGHAgEAMBMG")
        .doesNotContain("s3cr3t").doesNotContain("hunter2").doesNotContain("abc");
    JsonObject line = lines(bytes).get(0);
    assertThat(line.getString("url")).isEqualTo("https://[::1]:8443/v1/config/x?" + JsonLog.REDACTED);
    assertThat(line.getString("path")).isEqualTo("/v1/config/x");
  }

  /**
   * A writer stuck on its output must not block callers: lines under WARN are discarded once the
   * queue is 80 % full, warnings are kept while there is room, and the loss is reported.
   */
  @Test
  void aStuckOutputNeverBlocksCallersAndDiscardsInfoBeforeWarnings() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream gate = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        stuck.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        bytes.write(b, off, len);
      }
    };
    int infos = JsonLogAppenders.QUEUE_SIZE;
    int warnings = 100;
    try (JsonLog log = new JsonLog(new PrintStream(gate, false))) {
      log.info("first", Map.of());
      stuck.await();
      for (int i = 0; i < infos; i++) {
        log.info("filler", Map.of("i", i));
      }
      for (int i = 0; i < warnings; i++) {
        log.warn("kept", Map.of("i", i));
      }
      release.countDown();
      // the writer catches up on its own; close() then finds the queue empty
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!bytes.toString(StandardCharsets.UTF_8).contains("\"kept\",\"i\":" + (warnings - 1) + "}")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    List<JsonObject> lines = lines(bytes);
    long kept = lines.stream().filter(l -> l.getString("event").equals("kept")).count();
    long fillers = lines.stream().filter(l -> l.getString("event").equals("filler")).count();
    assertThat(kept).isEqualTo(warnings);
    // the queue takes lines under WARN while 20 % of it is free (one more: the writer holds "first")
    assertThat(fillers).isLessThanOrEqualTo(JsonLogAppenders.QUEUE_SIZE - JsonLogAppenders.DISCARDING_THRESHOLD + 1)
        .isGreaterThan(0);
    long reported = lines.stream().mapToLong(l -> l.getLong("log_lines_dropped", 0L)).sum();
    assertThat(reported).isEqualTo(infos - fillers);
  }
}
