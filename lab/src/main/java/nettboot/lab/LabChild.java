package nettboot.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import nettboot.core.error.UnavailableException;

/**
 * A long-running child process of the lab (FRR daemons, the metadata server, QEMU). Its output
 * goes straight to a log file, never through a pipe, so the child outlives the lab command when
 * the lab is kept up ({@code --keep}) and its log survives a failure.
 */
public final class LabChild implements AutoCloseable {
  public final String name;
  public final Process process;
  public final Path logFile;

  private LabChild(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code cmd} with stdin from /dev/null and stdout+stderr appended to {@code logFile}. */
  public static LabChild start(String name, Path logFile, List<String> cmd) {
    try {
      Files.createDirectories(logFile.getParent());
      Files.deleteIfExists(logFile);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
      return new LabChild(name, p, logFile);
    } catch (IOException e) {
      throw new UnavailableException("cannot start " + name + " (" + String.join(" ", cmd) + "): "
          + e.getMessage(), null);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** The log so far. */
  public String output() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for a log line matching {@code p}; fails naming the child and its log. */
  public String await(Predicate<String> p, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        for (String l : output().split("\n")) {
          if (p.test(l)) {
            return l;
          }
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new UnavailableException(name + " did not become ready within " + timeout.toSeconds()
        + " s (" + (process.isAlive() ? "still running" : "exited " + process.exitValue())
        + "); log: " + logFile, null);
  }

  /** SIGTERM, then SIGKILL after 10 s; the whole process tree ({@code ip netns exec} execs). */
  @Override
  public void close() {
    stop(process.toHandle());
  }

  static void stop(ProcessHandle h) {
    if (!h.isAlive()) {
      return;
    }
    List<ProcessHandle> kids = h.descendants().toList();
    h.destroy();
    kids.forEach(ProcessHandle::destroy);
    try {
      h.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
      kids.forEach(ProcessHandle::destroyForcibly);
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the namespace sweep of the teardown
      }
    }
  }
}
