package nettboot.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import nettboot.core.error.UnavailableException;

/**
 * One FRR instance (zebra + bgpd) inside a namespace, with its own paths: pathspace {@code -N NS}
 * puts the zserv and vty sockets under {@code /var/run/frr/NS/}, where the config is written too
 * (readable by the frr user wherever the lab directory is). {@code vtysh -N NS} reaches it.
 */
final class Frr {
  static final Path RUN = Path.of("/var/run/frr");

  private Frr() {}

  /** Writes the config, starts zebra then bgpd; returns both children. */
  static List<LabChild> start(String ns, String config, Path logDir, LabState state) {
    Path run = RUN.resolve(ns);
    try {
      Files.createDirectories(run);
      state.directory(run);
      Files.writeString(run.resolve("frr.conf"), config);
      Files.writeString(logDir.resolve(ns + "-frr.conf"), config);
    } catch (IOException e) {
      throw new UnavailableException("cannot write the FRR config of " + ns + ": " + e.getMessage(), e);
    }
    Sh.run("chown", "-R", "frr:frr", run.toString());
    LabChild zebra = daemon(ns, "zebra", run, logDir, state);
    awaitSocket(zebra, run.resolve("zserv.api"));
    LabChild bgpd = daemon(ns, "bgpd", run, logDir, state);
    awaitSocket(bgpd, run.resolve("bgpd.vty"));
    return List.of(zebra, bgpd);
  }

  private static LabChild daemon(String ns, String daemon, Path run, Path logDir, LabState state) {
    LabChild c = LabChild.start(ns + "/" + daemon, logDir.resolve(ns + "-" + daemon + ".log"),
        Sh.inNetns(ns, Preflight.FRR + "/" + daemon, "-N", ns, "-f", run.resolve("frr.conf").toString(),
            "-i", run.resolve(daemon + ".pid").toString(), "-u", "frr", "-g", "frr", "--log", "stdout"));
    state.process(c.name, c.pid());
    return c;
  }

  private static void awaitSocket(LabChild c, Path socket) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(socket)) {
      if (!c.process.isAlive() || System.nanoTime() > end) {
        throw new UnavailableException(c.name + " did not start (no " + socket + "); log "
            + c.logFile + ":\n" + c.output().strip(), null);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while starting " + c.name, e);
      }
    }
  }

  /** {@code vtysh -N NS -c CMD} inside the namespace; FRR's notice about a missing vtysh.conf dropped. */
  static String vtysh(String ns, String cmd) {
    Sh.Result r = Sh.exec(Duration.ofSeconds(30), Sh.inNetns(ns, "vtysh", "-N", ns, "-c", cmd));
    StringBuilder out = new StringBuilder();
    for (String l : r.output().split("\n", -1)) {
      if (!l.startsWith("% Can't open configuration file")) {
        out.append(l).append('\n');
      }
    }
    return out.toString().strip();
  }
}
