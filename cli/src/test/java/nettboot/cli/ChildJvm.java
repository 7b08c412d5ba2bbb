package nettboot.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * talos-fabric-builder in its own JVM (so it can be killed with SIGKILL), with its output kept
 * in memory and in a log file that survives a failing test.
 */
final class ChildJvm implements AutoCloseable {
  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final Path logFile;

  ChildJvm(Path logFile, String... args) throws IOException {
    this.logFile = logFile;
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.net.preferIPv6Addresses=true", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
      } catch (IOException e) {
        // the process went away
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for an output line matching the predicate; fails with the output so far. */
  String await(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String l : lines) {
        if (p.test(l)) {
          return l;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("no expected line within " + timeout.toSeconds() + " s (alive="
        + process.isAlive() + "); output in " + logFile + ":\n" + String.join("\n", lines));
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill9();
      }
    }
  }
}
