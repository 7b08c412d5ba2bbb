package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads into a really full disk: the artifact directory is a 512 KiB tmpfs mounted by the test
 * (needs root; run under {@code flock /tmp/nettboot-netns.lock}). A full disk is the server's
 * problem: 507 with one line naming the cause, logged, nothing left behind, never a 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactDiskFullTest {
  Path artifacts;
  boolean mounted;
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    artifacts = Files.createDirectories(tmp.resolve("data").resolve("artifacts"));
    run("mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "nettboot-full", artifacts.toString());
    mounted = true;
    f = new EdgeFixture(tmp);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (f != null) {
        f.close();
      }
    } finally {
      if (mounted) {
        run("umount", artifacts.toString());
      }
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private HttpResponse<Buffer> upload(String name, byte[] bytes) {
    return await(f.admin().putAbs(f.adminUrl("/v1/admin/artifacts/" + name))
        .putHeader("content-type", "application/octet-stream").sendBuffer(Buffer.buffer(bytes)));
  }

  private void refusedAsFull(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(507);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("no space left on device")
        .doesNotContain("\n");
  }

  private long leftovers() throws IOException {
    try (Stream<Path> s = Files.list(artifacts.resolve("incoming"))) {
      return s.count();
    }
  }

  @Test
  void anUploadLargerThanTheFreeSpaceIs507AndLogged() throws Exception {
    refusedAsFull(upload("too-big", new byte[2 << 20]));
    f.awaitLog("artifact_storage_full");
    assertThat(leftovers()).isZero();
    // The failed upload left its space free: a small one fits.
    assertThat(upload("small-after", "kernel".getBytes()).statusCode()).isEqualTo(200);
  }

  @Test
  void aSmallUploadIntoAFullDiskIs507NotAClientError() throws Exception {
    Path filler = artifacts.resolve("filler");
    try {
      try (var out = Files.newOutputStream(filler)) {
        byte[] block = new byte[4096];
        while (true) {
          out.write(block);
        }
      } catch (IOException full) {
        assertThat(full.getMessage()).contains("No space left on device");
      }
      refusedAsFull(upload("six", "abcdef".getBytes()));
      assertThat(leftovers()).isZero();
    } finally {
      Files.deleteIfExists(filler);
    }
    assertThat(upload("six", "abcdef".getBytes()).statusCode()).isEqualTo(200);
  }
}
