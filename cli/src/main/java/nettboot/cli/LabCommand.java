package nettboot.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.NodesFile;
import nettboot.lab.FabricLab;
import nettboot.lab.LabState;
import nettboot.lab.MachineFlow;
import nettboot.lab.Preflight;
import nettboot.lab.Teardown;
import nettboot.lab.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lab up|status|down}: the routed dual-ToR IPv6 fabric of the {@code lab} module on this host. */
@Command(name = "lab", mixinStandardHelpOptions = true,
    header = "Build, inspect and remove the routed dual-ToR IPv6 fabric lab on this host (root).",
    subcommands = {LabCommand.Up.class, LabCommand.Status.class, LabCommand.Down.class})
final class LabCommand implements Runnable {
  static final String DEFAULT_DIR = "lab/fabric";
  static final String NAME = "lab";

  /** The lab's name: its namespaces are {@code nb<name>-…}. */
  static final class NameOption {
    @Option(names = "--name", defaultValue = NAME, description = "lab name, 1-8 of a-z 0-9 (default: ${DEFAULT-VALUE})")
    String name;
  }

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      header = "Build the fabric from a nodes file and run the metadata server in it.",
      description = {"Network namespaces: services (the metadata server on the anycast /128, FRR announcing",
          "it), two ToRs (FRR with the 'fabric tor' configs: per server port the bootstrap RA and an",
          "unnumbered eBGP neighbour; BGP unnumbered uplinks to services), and per machine a namespace",
          "bridging one tap per NIC to its ToR port. Everything created is recorded in DIR/state.json;",
          "Ctrl-C, 'lab down' and a crash of this command (then 'lab down') leave nothing behind."})
  static final class Up implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "examples/lab-nodes.yaml", description = "nodes file (default: ${DEFAULT-VALUE})")
    Path nodes;

    @Option(names = "--machines", defaultValue = "2", description = "the first N nodes of the file (default: ${DEFAULT-VALUE})")
    int machines;

    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "lab directory: state, PKI, data, logs (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--anycast", defaultValue = "2001:db8:100::443",
        description = "the metadata server's anycast address (default: ${DEFAULT-VALUE})")
    String anycast;

    @Option(names = "--until-ready", description = "exit once the lab is ready (0 when it is)")
    boolean untilReady;

    @Option(names = "--keep", description = "with --until-ready: leave the lab up ('lab down' removes it)")
    boolean keep;

    @picocli.CommandLine.Mixin
    NameOption name = new NameOption();

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      Preflight.check(true);
      Inventory inv = NodesFile.read(nodes);
      Topology t = Topology.of(name.name, inv, machines, anycast);
      Preflight.noEarlierLab(dir, t.namespacePrefix());
      Path abs = dir.toAbsolutePath();
      // Ctrl-C or a failure at any point: remove what the state file says was created.
      Thread cleanup = new Thread(() -> FabricLab.down(abs), "lab-teardown");
      Runtime.getRuntime().addShutdownHook(cleanup);
      boolean leaveUp = false;
      int exit = 0;
      try {
        FabricLab lab = FabricLab.build(t, abs, LabCommand::progress);
        lab.startServer(javaCommand());
        MachineFlow flow = new MachineFlow(lab, repoRoot(), LabCommand::progress);
        flow.prepare();
        List<MachineFlow.Row> rows = new ArrayList<>();
        for (Topology.MachinePlace m : t.machines()) {
          rows.add(flow.run(m));
        }
        System.out.println();
        printAccess(lab);
        List<String> report = MachineFlow.report(rows, (System.nanoTime() - t0) / 1e9);
        report.forEach(System.out::println);
        System.out.flush();
        exit = rows.stream().allMatch(r -> r.state().equals("Active")) ? 0 : Main.EXIT_FAILURE;
        if (untilReady) {
          if (keep) {
            leaveUp = true;
            Runtime.getRuntime().removeShutdownHook(cleanup);
            System.out.println("lab: left up; remove it with 'talos-fabric-builder lab down --dir " + dir + "'");
          }
          return exit;
        }
        System.out.println("Press Ctrl-C to stop the lab and remove everything it created.");
        System.out.flush();
        leaveUp = true; // the shutdown hook removes it
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (!leaveUp) {
          Runtime.getRuntime().removeShutdownHook(cleanup);
          FabricLab.down(abs);
        }
      }
      return exit;
    }

    private void printAccess(FabricLab lab) {
      Topology t = lab.topology;
      var ca = lab.pki();
      System.out.println();
      System.out.println("admin API (inside " + t.servicesNs() + "):");
      System.out.println("  ip netns exec " + t.servicesNs() + " ./talos-fabric-builder machine list --pki "
          + ca.dir() + " --admin-url https://[::1]:" + FabricLab.ADMIN_PORT);
      for (String ns : t.namespaces().subList(0, 1 + t.tors().size())) {
        System.out.println("  ip netns exec " + ns + " vtysh -N " + ns + " -c 'show bgp summary'");
      }
      for (Topology.MachinePlace m : t.machines()) {
        System.out.println("  " + m.node().name() + ": serial logs " + lab.dir.resolve("machines").resolve(m.node().name())
            + "/serial-*.log; NICs " + String.join(", ", m.nics().stream()
            .map(x -> m.ns() + "/" + x.tap() + " -> " + x.tor().tor().name() + " " + x.link().port()).toList()));
      }
      System.out.println("logs: " + lab.logDir);
      System.out.println();
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, header = "What the lab in DIR runs, and its BGP sessions.")
  static final class Status implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "default: ${DEFAULT-VALUE}")
    Path dir;

    @Override
    public void run() {
      LabState.Data s = LabState.read(dir.toAbsolutePath());
      if (s == null) {
        System.out.println("lab: no lab in " + dir);
        return;
      }
      for (String ns : s.namespaces()) {
        System.out.println("namespace " + ns + (Files.exists(Path.of("/run/netns", ns)) ? "" : " (gone)"));
      }
      for (LabState.Proc p : s.processes()) {
        System.out.println("process " + p.pid() + " " + p.name() + " "
            + (ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false) ? "running" : "gone"));
      }
      for (String ns : s.namespaces()) {
        if (Files.exists(Path.of("/var/run/frr", ns, "bgpd.vty"))) {
          System.out.println("--- " + ns + ": show bgp summary");
          System.out.println(nettboot.lab.Sh.exec(java.time.Duration.ofSeconds(30),
              nettboot.lab.Sh.inNetns(ns, "vtysh", "-N", ns, "-c", "show bgp summary")).output().strip());
        }
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      header = "Remove everything the lab in DIR created (also after a crash of 'lab up').")
  static final class Down implements Runnable {
    @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "default: ${DEFAULT-VALUE}")
    Path dir;

    @picocli.CommandLine.Mixin
    NameOption name = new NameOption();

    @Override
    public void run() {
      List<String> done = new ArrayList<>(FabricLab.down(dir.toAbsolutePath()));
      // Namespaces of a lab whose state file is gone.
      List<String> stray = Teardown.namespacesWithPrefix("nb" + name.name + "-");
      if (!stray.isEmpty()) {
        done.addAll(Teardown.run(new LabState.Data(name.name, 0, stray, List.of(),
            stray.stream().map(ns -> "/var/run/frr/" + ns).toList())));
      }
      done.forEach(System.out::println);
      System.out.println(done.isEmpty() ? "lab: nothing to remove" : "lab: removed");
    }
  }

  static void progress(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** The repository: the nearest directory above the working directory with scripts/fetch-debian-package. */
  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/fetch-debian-package"))) {
        return d;
      }
    }
    throw new nettboot.core.error.InvalidInputException(null,
        "run 'lab up' from the nett-boot repository (it fetches Debian's kernel and iPXE into .cache/)");
  }

  /** This JVM's java and class path, for the metadata server's child JVM. */
  static List<String> javaCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.net.preferIPv6Addresses=true", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName());
  }
}
