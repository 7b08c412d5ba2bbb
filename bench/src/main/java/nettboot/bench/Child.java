package nettboot.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import nettboot.core.error.UnavailableException;

/**
 * A server under test running as a child process (the edge JVM, the nginx master and its
 * workers): its output is tee'd to a log file and to memory, where start-up waits look for a
 * marker. Closing it stops it (SIGTERM, then SIGKILL after 20 s).
 */
final class Child implements AutoCloseable {
  /** Output lines kept in memory for the marker wait; later ones go to the log file only. */
  private static final int MAX_LINES = 10_000;

  final String name;
  final int port;
  private final Process process;
  private final Path log;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private Child(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} (stdin from /dev/null, stderr merged into stdout) teeing its output to {@code log}. */
  static Child start(String name, int port, List<String> command, Path log) throws IOException {
    Files.deleteIfExists(log);
    Files.createFile(log);
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    Child c = new Child(name, port, p, log);
    Thread reader = new Thread(c::tee, name + "-output");
    reader.setDaemon(true);
    reader.start();
    return c;
  }

  private void tee() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         OutputStream out = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (lines.size() < MAX_LINES) {
          lines.add(line);
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the process went away
    }
  }

  /** Waits until an output line contains {@code marker}; stops the child and fails if it exits or times out. */
  void awaitLine(String marker, Duration timeout) throws InterruptedException {
    awaitReady(() -> lines.stream().anyMatch(l -> l.contains(marker)), timeout, "print '" + marker + "'");
  }

  /**
   * Waits until {@code ready} holds (checked every 100 ms); stops the child and fails with its
   * output when it exits first or {@code timeout} passes.
   */
  void awaitReady(BooleanSupplier ready, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new UnavailableException(name + " exited at start-up (log " + log + "):\n" + output(), null);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    close();
    throw new UnavailableException(name + " did not " + what + " within " + timeout.toSeconds()
        + " s (log " + log + "):\n" + output(), null);
  }

  /** The output kept in memory. */
  String output() {
    return String.join("\n", lines);
  }

  /** Every process of the server: the child and its descendants (nginx workers). */
  List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(process.toHandle());
    process.toHandle().descendants().forEach(all::add);
    return all;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
