package nettboot.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.error.UnavailableException;

/** Runs host commands with a deadline; a failure names the command and shows its output. */
public final class Sh {
  private Sh() {}

  /** Exit code and combined output of a finished command. */
  public record Result(int exit, String output) {}

  /** Runs the command and returns exit code and combined output (never throws on a non-zero exit). */
  public static Result exec(Duration timeout, List<String> cmd) {
    Path out = null;
    try {
      out = Files.createTempFile("nettboot-lab", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new UnavailableException("timed out after " + timeout.toSeconds() + " s: "
            + String.join(" ", cmd) + ": " + Files.readString(out, StandardCharsets.UTF_8).strip(), null);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UnavailableException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted: " + String.join(" ", cmd), null);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /** Runs the command, requires exit 0, returns its output (60 s deadline). */
  public static String run(String... cmd) {
    return run(Duration.ofSeconds(60), cmd);
  }

  /** Runs the command within {@code timeout}, requires exit 0, returns its output. */
  public static String run(Duration timeout, String... cmd) {
    Result r = exec(timeout, List.of(cmd));
    if (r.exit() != 0) {
      throw new UnavailableException("exit " + r.exit() + ": " + String.join(" ", cmd) + ": "
          + r.output().strip(), null);
    }
    return r.output();
  }

  /** The same command inside a network namespace. */
  public static List<String> inNetns(String ns, String... cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    return all;
  }

  /** Runs the command inside a network namespace, requires exit 0. */
  public static String runIn(String ns, String... cmd) {
    return run(inNetns(ns, cmd).toArray(String[]::new));
  }

  /** Whether a program is on the PATH (or an absolute path that is executable). */
  public static boolean available(String tool) {
    if (tool.startsWith("/")) {
      return Files.isExecutable(Path.of(tool));
    }
    return exec(Duration.ofSeconds(10), List.of("sh", "-c", "command -v " + tool)).exit() == 0;
  }
}
