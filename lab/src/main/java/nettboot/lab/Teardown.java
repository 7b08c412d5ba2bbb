package nettboot.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a lab created, from its state: every process still running inside one of its
 * namespaces (they are all the lab's children: FRR, the metadata server, QEMU), the recorded
 * processes that are still the lab's, then the namespaces (their veths, bridges and taps go with
 * them) and the FRR run directories. Idempotent; reports what it removed.
 */
public final class Teardown {
  private Teardown() {}

  /** @return one line per removed thing */
  public static List<String> run(LabState.Data s) {
    List<String> done = new ArrayList<>();
    List<ProcessHandle> procs = new ArrayList<>();
    for (String ns : s.namespaces()) {
      procs.addAll(pidsIn(ns));
    }
    for (LabState.Proc p : s.processes()) {
      ProcessHandle.of(p.pid()).filter(h -> inLab(h, s.namespaces())).ifPresent(procs::add);
    }
    procs = new ArrayList<>(procs.stream().collect(java.util.stream.Collectors.toMap(
        ProcessHandle::pid, h -> h, (a, b) -> a, java.util.LinkedHashMap::new)).values());
    for (ProcessHandle h : procs) {
      if (h.isAlive()) {
        h.destroy();
      }
    }
    for (ProcessHandle h : procs) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
      done.add("stopped process " + h.pid());
    }
    for (String ns : s.namespaces().reversed()) {
      for (ProcessHandle h : pidsIn(ns)) {
        h.destroyForcibly();
        try {
          h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the namespace delete below reports what is left
        }
      }
      if (exists(ns)) {
        Sh.Result r = Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "del", ns));
        done.add(r.exit() == 0 ? "deleted namespace " + ns : "could not delete namespace " + ns + ": " + r.output().strip());
      }
    }
    for (String d : s.directories()) {
      Path p = Path.of(d);
      if (Files.exists(p)) {
        deleteTree(p);
        done.add("removed " + p);
      }
    }
    return done;
  }

  /** Namespaces whose name starts with {@code prefix}. */
  public static List<String> namespacesWithPrefix(String prefix) {
    List<String> found = new ArrayList<>();
    for (String line : Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "list")).output().split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      if (!ns.isEmpty() && ns.startsWith(prefix)) {
        found.add(ns);
      }
    }
    return found;
  }

  static boolean exists(String ns) {
    return Files.exists(Path.of("/run/netns", ns));
  }

  private static List<ProcessHandle> pidsIn(String ns) {
    List<ProcessHandle> found = new ArrayList<>();
    if (!exists(ns)) {
      return found;
    }
    Sh.Result r = Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "pids", ns));
    for (String p : r.output().split("\\s+")) {
      if (p.matches("[0-9]+")) {
        ProcessHandle.of(Long.parseLong(p)).ifPresent(found::add);
      }
    }
    return found;
  }

  private static boolean inLab(ProcessHandle h, List<String> namespaces) {
    Sh.Result r = Sh.exec(Duration.ofSeconds(10), List.of("ip", "netns", "identify", Long.toString(h.pid())));
    return r.exit() == 0 && namespaces.contains(r.output().trim());
  }

  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      // reported by the next 'lab down', which retries
    }
  }
}
