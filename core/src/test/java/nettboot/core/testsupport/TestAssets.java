package nettboot.core.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Binary assets tests need and the repository does not carry: Debian's iPXE 2.0 package,
 * fetched once with {@code scripts/fetch-debian-package} into {@code <repo>/.cache/ipxe}.
 */
public final class TestAssets {
  public static final String FETCH_SCRIPT = "scripts/fetch-debian-package";

  private TestAssets() {}

  /** The repository root: the nearest directory above the working directory holding the fetch script. */
  public static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(FETCH_SCRIPT))) {
        return d;
      }
    }
    throw new IllegalStateException("no " + FETCH_SCRIPT + " above " + Path.of("").toAbsolutePath());
  }

  /** {@code <repo>/.cache/ipxe} holding {@code usr/lib/ipxe/ipxe-<arch>.efi}; fetched when missing. */
  public static synchronized Path ipxeDir() {
    Path root = repoRoot();
    Path dir = root.resolve(".cache/ipxe");
    if (Files.isRegularFile(dir.resolve(".complete"))) {
      return dir;
    }
    try {
      Files.createDirectories(dir.getParent());
      Path log = Files.createTempFile("fetch-ipxe", ".log");
      Process p = new ProcessBuilder(root.resolve(FETCH_SCRIPT).toString(), "ipxe", dir.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(FETCH_SCRIPT + " ipxe did not finish within 10 minutes");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0 || !Files.isRegularFile(dir.resolve(".complete"))) {
        throw new IllegalStateException(FETCH_SCRIPT + " ipxe " + dir + " failed (exit "
            + p.exitValue() + "):\n" + out);
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + FETCH_SCRIPT + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code ipxe-amd64.efi} or {@code ipxe-arm64.efi} from Debian's package. */
  public static Path ipxeEfi(String debianArch) {
    return ipxeDir().resolve("usr/lib/ipxe/ipxe-" + debianArch + ".efi");
  }
}
