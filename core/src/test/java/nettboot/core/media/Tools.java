package nettboot.core.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.EmbeddedCa;

/** Test helpers: a lab PKI with one tenant, and running host tools (mtools, xorriso, fsck). */
final class Tools {
  private Tools() {}

  static EmbeddedCa pki(Path dir, String... tenants) {
    EmbeddedCa ca = EmbeddedCa.init(dir, "boot.example.net", List.of("2001:db8:100::53"), Clock.systemUTC());
    for (String t : tenants) {
      ca.issueTenant(t);
    }
    return ca;
  }

  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  static Result run(String... cmd) {
    try {
      Path err = java.nio.file.Files.createTempFile("tool", ".err");
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " timed out");
      }
      String e = java.nio.file.Files.readString(err);
      java.nio.file.Files.deleteIfExists(err);
      return new Result(p.exitValue(), out, e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs and requires exit 0; returns stdout. */
  static byte[] ok(String... cmd) {
    Result r = run(cmd);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.stderr() + r.out());
    }
    return r.stdout();
  }
}
