package nettboot.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands with a deadline; a failure names the command and shows its output. */
final class Sh {
  private Sh() {}

  record Result(int exit, String output) {}

  /** Runs the command and returns exit code and combined output (never throws on a non-zero exit). */
  static Result exec(Duration timeout, List<String> cmd) {
    Path out = null;
    try {
      out = Files.createTempFile("nettboot-sh", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: "
            + String.join(" ", cmd) + "\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
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

  /** Runs the command, requires exit 0, returns its output. */
  static String run(Duration timeout, String... cmd) {
    Result r = exec(timeout, List.of(cmd));
    if (r.exit() != 0) {
      throw new IllegalStateException("exit " + r.exit() + ": " + String.join(" ", cmd) + "\n" + r.output());
    }
    return r.output();
  }

  static String run(String... cmd) {
    return run(Duration.ofSeconds(60), cmd);
  }

  /** The same command inside a network namespace. */
  static List<String> inNetns(String ns, String... cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    return all;
  }

  /** The java binary and class path of this JVM, for child JVMs started from the test classpath. */
  static List<String> javaCommand(String mainClass) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.net.preferIPv6Addresses=true", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), mainClass);
  }
}
