package nettboot.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running child process (the metadata server, radvd, a silent listener) whose output is
 * kept in memory and in a log file that survives a failing test.
 */
final class Child implements AutoCloseable {
  final String name;
  final Process process;
  final Path logFile;
  final List<String> lines = new CopyOnWriteArrayList<>();

  Child(String name, Path logFile, List<String> cmd) throws IOException {
    this.name = name;
    this.logFile = logFile;
    Files.createDirectories(logFile.getParent());
    Files.deleteIfExists(logFile);
    Files.createFile(logFile);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.APPEND)) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          log.flush();
        }
      } catch (IOException e) {
        // the process went away
      }
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for an output line matching the predicate; fails with the output so far. */
  String await(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String l : lines) {
        if (p.test(l)) {
          return l;
        }
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError(name + ": no expected line within " + timeout.toSeconds() + " s (alive="
        + process.isAlive() + "); output in " + logFile + ":\n" + String.join("\n", lines));
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(15, TimeUnit.SECONDS);
      }
    }
  }
}
