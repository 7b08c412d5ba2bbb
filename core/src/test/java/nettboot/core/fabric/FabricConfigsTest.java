package nettboot.core.fabric;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.NodesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FabricConfigsTest {
  static final Path EXAMPLE = Path.of("..", "examples", "nodes.yaml");

  @TempDir
  Path dir;

  @Test
  void eachTorAdvertisesTheBootstrapPrefixAndPeersUnnumberedOnEveryServerPort() {
    Inventory inv = NodesFile.read(EXAMPLE);
    String tor = FabricConfigs.tor(inv, "tor-a1");
    System.out.println(tor);
    for (int i = 1; i <= 6; i++) {
      String port = "swp" + i;
      assertThat(tor).contains("interface " + port + "\n")
          .contains("neighbor " + port + " interface peer-group servers\n");
    }
    assertThat(tor.split("ipv6 nd prefix 2001:db8:b007:5eed::/64\n", -1)).hasSize(7);
    assertThat(tor.split("no ipv6 nd suppress-ra\n", -1)).hasSize(7);
    assertThat(tor).contains("router bgp 65001").contains("permit 2001:db8:1000::/56 ge 64 le 64");
    assertThat(FabricConfigs.tors(inv)).containsOnlyKeys("tor-a1", "tor-a2");
  }

  @Test
  void theRealRadvdSendsTheBootstrapPrefixThatRdisc6SeesOnTheOtherEnd() throws Exception {
    Inventory inv = NodesFile.read(EXAMPLE);
    Path confFile = dir.resolve("radvd.conf");
    Files.writeString(confFile, FabricConfigs.gatewayRadvd(inv).replace("interface br-lab", "interface gw0"));
    String seen = advertisementSeenFrom("gw0", ns -> new ProcessBuilder("ip", "netns", "exec", ns,
        "radvd", "-n", "-m", "stderr", "-C", confFile.toString(), "-p", dir.resolve("radvd.pid").toString()),
        dir.resolve("radvd.log"));
    assertThat(seen).contains("Prefix                   : 2001:db8:b007:5eed::/64")
        .contains("Recursive DNS server     : 2001:db8:100::53");
  }

  @Test
  void theRealFrrAcceptsTheGeneratedTorAndGatewayConfigs() throws Exception {
    Inventory inv = NodesFile.read(EXAMPLE);
    for (var e : FabricConfigs.tors(inv).entrySet()) {
      check(e.getKey(), e.getValue());
    }
    check("gateway", FabricConfigs.gatewayFrr(inv));
  }

  private void check(String name, String config) throws Exception {
    Path f = dir.resolve(name + ".conf");
    Files.writeString(f, config);
    Process p = new ProcessBuilder("vtysh", "-C", "-f", f.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("vtysh -C on " + name + ":\n" + out + "\n" + config).isZero();
  }

  @Test
  void theRealFrrZebraSendsTheBootstrapPrefixOnAServerPort() throws Exception {
    Inventory inv = NodesFile.read(EXAMPLE);
    Path work = Files.createTempDirectory("nettboot-frr");
    try {
      Files.writeString(work.resolve("frr.conf"), FabricConfigs.tor(inv, "tor-a1"));
      run("chown", "-R", "frr:frr", work.toString());
      String seen = advertisementSeenFrom("swp1", ns -> new ProcessBuilder("ip", "netns", "exec", ns,
          "/usr/lib/frr/zebra", "-f", work.resolve("frr.conf").toString(), "-i", work.resolve("zebra.pid").toString(),
          "-z", work.resolve("zserv.api").toString(), "--vty_socket", work.toString(),
          "-u", "frr", "-g", "frr", "--log", "stdout"), dir.resolve("zebra.log"));
      assertThat(seen).contains("Prefix                   : 2001:db8:b007:5eed::/64")
          .contains("Autonomous address conf.:          Yes")
          .contains("Stateful address conf.    :           No");
    } finally {
      new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs a router-advertisement daemon in a fresh namespace whose interface {@code routerIf} is a
   * veth to a second namespace, and returns what rdisc6 sees there (waiting for the bootstrap
   * prefix). Namespaces and the daemon are always cleaned up.
   */
  private static String advertisementSeenFrom(String routerIf,
      java.util.function.Function<String, ProcessBuilder> daemonIn, Path daemonLog) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String nsRouter = "nbrt" + id;
    String nsNode = "nbnd" + id;
    Process daemon = null;
    List<String> cleanup = new ArrayList<>();
    try {
      run("ip", "netns", "add", nsRouter);
      cleanup.add(nsRouter);
      run("ip", "netns", "add", nsNode);
      cleanup.add(nsNode);
      run("ip", "-n", nsRouter, "link", "add", routerIf, "type", "veth", "peer", "name", "nd0", "netns", nsNode);
      for (String[] ns : new String[][] {{nsRouter, routerIf}, {nsNode, "nd0"}}) {
        run("ip", "netns", "exec", ns[0], "sysctl", "-qw", "net.ipv6.conf." + ns[1] + ".accept_dad=0");
        run("ip", "-n", ns[0], "link", "set", ns[1], "up");
      }
      run("ip", "netns", "exec", nsRouter, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
      daemon = daemonIn.apply(nsRouter).redirectErrorStream(true).redirectOutput(daemonLog.toFile()).start();
      String seen = "";
      for (int attempt = 0; attempt < 10 && !seen.contains("2001:db8:b007:5eed::/64"); attempt++) {
        Process rdisc = new ProcessBuilder("ip", "netns", "exec", nsNode, "rdisc6", "-1", "-w", "1500", "nd0")
            .redirectErrorStream(true).start();
        seen = new String(rdisc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        rdisc.waitFor(10, TimeUnit.SECONDS);
        if (!seen.contains("Prefix")) {
          Thread.sleep(500); // the link-local address appears once both ends are up
        }
      }
      System.out.println(seen);
      assertThat(seen).as("daemon log: " + Files.readString(daemonLog)).contains("Prefix");
      return seen;
    } finally {
      if (daemon != null) {
        daemon.destroy();
        daemon.waitFor(5, TimeUnit.SECONDS);
        daemon.destroyForcibly();
      }
      for (String ns : cleanup) {
        new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
