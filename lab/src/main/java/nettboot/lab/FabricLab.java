package nettboot.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import nettboot.core.error.UnavailableException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.talos.Inventory;

/**
 * The routed fabric on this host: the services namespace (metadata server on the anycast /128,
 * FRR announcing it), two ToR namespaces running FRR with the generated {@code fabric tor}
 * configs, and per machine a namespace that bridges each of its NICs' taps to a ToR port.
 * Everything created is recorded in {@link LabState} first; {@link #close} and
 * {@link #down} remove it all.
 */
public final class FabricLab implements AutoCloseable {
  public static final int BOOT_PORT = 443;
  public static final int CONFIG_PORT = 8443;
  public static final int EVENTS_PORT = 4002;
  public static final int ADMIN_PORT = 9443;
  public static final int OPS_PORT = 9090;
  public static final String ADMIN = "operator";

  public final Topology topology;
  public final Path dir;
  public final Path logDir;
  private final LabState state;
  private final Consumer<String> progress;
  private final List<LabChild> children = new ArrayList<>();
  private EmbeddedCa ca;
  private LabChild server;

  private FabricLab(Topology topology, Path dir, Consumer<String> progress) {
    this.topology = topology;
    this.dir = dir;
    this.logDir = dir.resolve("logs");
    this.progress = progress;
    this.state = LabState.create(dir, topology.name());
  }

  /**
   * Builds the fabric and waits until BGP has carried the anycast /128 to both ToRs and every
   * machine NIC's /128 to the services namespace. On any failure removes what it created.
   */
  public static FabricLab build(Topology t, Path dir, Consumer<String> progress) {
    Preflight.noEarlierLab(dir, t.namespacePrefix());
    try {
      // What a finished earlier lab left (its PKI, store and logs) is not reused: a fresh lab.
      for (String old : List.of("pki", "data", "logs")) {
        Teardown.deleteTree(dir.resolve(old));
      }
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UnavailableException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    FabricLab lab = new FabricLab(t, dir, progress);
    try {
      long t0 = System.nanoTime();
      lab.plumb();
      lab.startRouters();
      lab.awaitRoutes(Duration.ofSeconds(120));
      progress.accept(String.format(java.util.Locale.ROOT, "fabric: %d ToRs, %d machine namespaces, BGP converged in %.1f s",
          t.tors().size(), t.machines().size(), (System.nanoTime() - t0) / 1e9));
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  // ------------------------------------------------------------------ plumbing

  private void namespace(String ns) {
    Sh.run("ip", "netns", "add", ns);
    state.namespace(ns);
    Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
  }

  private void plumb() {
    String svc = topology.servicesNs();
    namespace(svc);
    Sh.runIn(svc, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.forwarding=1");
    Sh.run("ip", "-n", svc, "addr", "add", topology.anycast() + "/128", "dev", "lo");
    for (Topology.TorPlace tor : topology.tors()) {
      namespace(tor.ns());
      Sh.runIn(tor.ns(), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.forwarding=1");
      Sh.run("ip", "-n", svc, "link", "add", tor.uplink(), "type", "veth", "peer", "name",
          Topology.SPINE_IF, "netns", tor.ns());
      Sh.run("ip", "-n", svc, "link", "set", tor.uplink(), "up");
      Sh.run("ip", "-n", tor.ns(), "link", "set", Topology.SPINE_IF, "up");
    }
    for (Topology.MachinePlace m : topology.machines()) {
      namespace(m.ns());
      // The machine's namespace is a pair of switches: no L3 at all.
      Sh.runIn(m.ns(), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
      for (Topology.Nic nic : m.nics()) {
        String tns = nic.tor().ns();
        Sh.run("ip", "-n", tns, "link", "add", nic.link().port(), "type", "veth", "peer", "name", nic.up(),
            "netns", m.ns());
        Sh.run("ip", "-n", m.ns(), "link", "add", nic.bridge(), "type", "bridge", "stp_state", "0",
            "forward_delay", "0", "mcast_snooping", "0");
        Sh.run("ip", "-n", m.ns(), "tuntap", "add", "dev", nic.tap(), "mode", "tap");
        for (String dev : List.of(nic.up(), nic.tap())) {
          Sh.run("ip", "-n", m.ns(), "link", "set", dev, "master", nic.bridge());
        }
        for (String dev : List.of(nic.bridge(), nic.up(), nic.tap())) {
          Sh.runIn(m.ns(), "sysctl", "-qw", "net.ipv6.conf." + dev + ".disable_ipv6=1");
          Sh.run("ip", "-n", m.ns(), "link", "set", dev, "up");
        }
        torPort(nic, true);
      }
    }
  }

  /**
   * Brings a machine NIC's ToR port up (with the /128 host route of the NIC's SLAAC address, which
   * the ToR announces) or down (the kernel drops the route, BGP withdraws it).
   */
  public void torPort(Topology.Nic nic, boolean up) {
    String tns = nic.tor().ns();
    Sh.run("ip", "-n", tns, "link", "set", nic.link().port(), up ? "up" : "down");
    if (up) {
      Sh.run("ip", "-n", tns, "-6", "route", "replace", nic.slaacAddress() + "/128", "dev", nic.link().port());
    }
  }

  /**
   * A host namespace standing in for a machine's VM: per NIC a veth whose machine end joins the
   * NIC's bridge (in place of the tap) and whose host end {@code nic<i>} carries the NIC's MAC,
   * left down. Returns the namespace; the kernel there takes SLAAC addresses from the RAs.
   */
  public String attachHost(Topology.MachinePlace m) {
    String hns = m.ns() + "-host";
    namespace(hns);
    for (Topology.Nic nic : m.nics()) {
      String end = "h" + nic.index();
      String nicIf = "nic" + nic.index();
      Sh.run("ip", "-n", m.ns(), "link", "add", end, "type", "veth", "peer", "name", nicIf, "netns", hns);
      Sh.run("ip", "-n", m.ns(), "link", "set", end, "master", nic.bridge());
      Sh.runIn(m.ns(), "sysctl", "-qw", "net.ipv6.conf." + end + ".disable_ipv6=1");
      Sh.run("ip", "-n", m.ns(), "link", "set", end, "up");
      Sh.run("ip", "-n", hns, "link", "set", nicIf, "address", nic.mac().value());
    }
    return hns;
  }

  // ------------------------------------------------------------------ routing

  private void startRouters() {
    children.addAll(Frr.start(topology.servicesNs(), RouterConfigs.services(topology), logDir, state));
    for (Topology.TorPlace tor : topology.tors()) {
      children.addAll(Frr.start(tor.ns(), RouterConfigs.tor(topology, tor), logDir, state));
    }
    progress.accept("fabric: FRR (zebra + bgpd) running in " + topology.servicesNs() + " and "
        + String.join(", ", topology.tors().stream().map(Topology.TorPlace::ns).toList()));
  }

  private void awaitRoutes(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    List<String> missing;
    do {
      missing = new ArrayList<>();
      for (Topology.TorPlace tor : topology.tors()) {
        if (!hasRoute(tor.ns(), topology.anycast())) {
          missing.add(tor.ns() + " has no route to " + topology.anycast());
        }
      }
      for (Topology.MachinePlace m : topology.machines()) {
        for (Topology.Nic nic : m.nics()) {
          if (!hasRoute(topology.servicesNs(), nic.slaacAddress())) {
            missing.add(topology.servicesNs() + " has no route to " + nic.slaacAddress());
          }
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      sleep(500);
    } while (System.nanoTime() < end);
    throw new UnavailableException("BGP did not converge within " + timeout.toSeconds() + " s: "
        + String.join("; ", missing) + " (FRR logs in " + logDir + ")", null);
  }

  /** Whether the namespace's kernel has a BGP-learned route for {@code address}/128. */
  public static boolean hasRoute(String ns, String address) {
    return Sh.exec(Duration.ofSeconds(10), List.of("ip", "-n", ns, "-6", "route", "show", address + "/128"))
        .output().contains("proto bgp");
  }

  /** {@code vtysh -c CMD} against the FRR instance of a namespace. */
  public String vtysh(String ns, String cmd) {
    return Frr.vtysh(ns, cmd);
  }

  // ------------------------------------------------------------------ metadata server

  /** The lab PKI (made once per lab): server certificate for the anycast address and ::1. */
  public EmbeddedCa pki() {
    if (ca == null) {
      Inventory inv = topology.inventory();
      ca = EmbeddedCa.init(dir.resolve("pki"), inv.cluster().bootDomain(),
          List.of(topology.anycast(), "::1"), Clock.systemUTC());
      inv.tenants().forEach(t -> ca.issueTenant(t.name()));
      ca.issueAdmin(ADMIN);
    }
    return ca;
  }

  /**
   * Starts {@code serve} in the services namespace as a child JVM ({@code java} = the java command
   * up to and including the main class or {@code -jar JAR}): boot, config and events listeners on
   * the anycast address, admin and ops on that namespace's loopback.
   */
  public LabChild startServer(List<String> java) {
    pki();
    List<String> cmd = new ArrayList<>(Sh.inNetns(topology.servicesNs()));
    cmd.addAll(java);
    String a = "[" + topology.anycast() + "]:";
    cmd.addAll(List.of("serve", "--pki", dir.resolve("pki").toString(), "--data", dir.resolve("data").toString(),
        "--boot-listen", a + BOOT_PORT, "--config-listen", a + CONFIG_PORT, "--events-listen", a + EVENTS_PORT,
        "--admin-listen", "[::1]:" + ADMIN_PORT, "--ops-listen", "[::1]:" + OPS_PORT, "--event-loops", "1"));
    server = LabChild.start("metadata-server", logDir.resolve("server.log"), cmd);
    state.process(server.name, server.pid());
    children.add(server);
    server.await(l -> l.contains("\"event\":\"server_started\""), Duration.ofSeconds(120));
    progress.accept("server: metadata server up on [" + topology.anycast() + "]:" + BOOT_PORT
        + " in " + topology.servicesNs());
    return server;
  }

  public LabChild server() {
    return server;
  }

  /** curl with the admin certificate inside the services namespace. */
  public AdminApi admin() {
    return new AdminApi(topology.servicesNs(), pki(), ADMIN, dir);
  }

  // ------------------------------------------------------------------ teardown

  @Override
  public void close() {
    for (LabChild c : children.reversed()) {
      c.close();
    }
    children.clear();
    Teardown.run(state.data());
    LabState.delete(dir);
  }

  /** {@code lab down}: removes what the lab in {@code dir} created, also after a crash. */
  public static List<String> down(Path dir) {
    LabState.Data s = LabState.read(dir);
    if (s == null) {
      return List.of();
    }
    List<String> done = Teardown.run(s);
    LabState.delete(dir);
    return done;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted", e);
    }
  }
}
