package nettboot.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What the benchmark reads of a server's processes and sockets, from /proc. */
final class Proc {
  private Proc() {}

  /** CPU seconds and RSS of a server's processes, from /proc. */
  record Usage(double cpuSeconds, long rssBytes) {}

  static Usage usage(Child c) {
    double cpu = 0;
    long rss = 0;
    for (ProcessHandle h : c.processes()) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        cpu += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (USER_HZ = 100)
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process went away between listing and reading
      }
    }
    return new Usage(cpu, rss);
  }

  /** Samples a server's RSS every 100 ms until closed; keeps the peak. */
  static final class RssSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long peak;

    RssSampler(Child c) {
      thread = new Thread(() -> {
        while (!stop) {
          peak = Math.max(peak, usage(c).rssBytes());
          try {
            TimeUnit.MILLISECONDS.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "storm-rss");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return peak;
    }

    @Override
    public void close() {
      stop = true;
      thread.interrupt();
    }
  }

  /**
   * Remote ports of the connections the server at {@code port} still holds (its side ESTABLISHED
   * or CLOSE_WAIT), read from /proc/net/tcp6 and /proc/net/tcp.
   */
  static Set<Integer> heldPeers(int port) {
    Set<Integer> held = new HashSet<>();
    for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          Files.newInputStream(Path.of(table)), StandardCharsets.US_ASCII))) {
        r.readLine();
        String line;
        while ((line = r.readLine()) != null) {
          String[] f = line.trim().split("\\s+");
          if (f.length < 4) {
            continue;
          }
          int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
          if (local != port) {
            continue;
          }
          String st = f[3];
          if (st.equals("01") || st.equals("08")) {
            held.add(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16));
          }
        }
      } catch (IOException e) {
        // no such table on this kernel
      }
    }
    return held;
  }
}
