package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the server's data directory on an 8 MiB tmpfs, filled up by another file while
 * the server runs. {@code /readyz} turns 503 (the probe's heartbeat write fails with SQLITE_FULL)
 * and 200 again once space is freed. Needs root (it mounts); run inside
 * {@code flock /tmp/nettboot-netns.lock} like the other tests that change the host.
 */
class FullDiskTest {
  static final String MACHINE = "5a5a5a5a-0000-4000-8000-000000000041";

  @Test
  void aFullFileSystemMakesTheReplicaUnreadyUntilSpaceIsFreed(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
    Path fs = Files.createDirectories(tmp.resolve("fs"));
    run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "nettboot-full-disk", fs.toString());
    try {
      try (EdgeFixture f = new EdgeFixture(fs)) {
        f.profileFor("acme");
        f.enroll("acme", MACHINE, null, "Provisioning");
        f.awaitReadyz(200);

        Path filler = fs.resolve("filler");
        fill(filler);
        HttpResponse<Buffer> notReady = f.awaitReadyz(503);
        assertThat(notReady.bodyAsString()).startsWith("not ready: store write failed: ")
            .containsIgnoringCase("full");
        HttpResponse<Buffer> transition = f.adminJson(HttpMethod.PUT,
            "/v1/admin/machines/" + MACHINE + "/state",
            new JsonObject().put("state", "Active").put("reason", "test"));
        assertThat(transition.statusCode()).isEqualTo(503);

        Files.delete(filler);
        f.awaitReadyz(200);
      }
    } finally {
      run("umount", "-l", fs.toString());
    }
  }

  /** Writes zeros to {@code file} until the file system refuses more. */
  private static void fill(Path file) {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // No space left on device: the file system is full
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeTrue(p.exitValue() == 0, String.join(" ", command) + " failed");
  }
}
