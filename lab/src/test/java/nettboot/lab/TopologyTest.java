package nettboot.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineId;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.NodesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
  static final Path LAB_NODES = Path.of("..", "examples", "lab-nodes.yaml");

  @TempDir
  Path dir;

  @Test
  void theLabExampleIsLaidOutAsTwoMachinesEachCabledToBothTors() {
    Topology t = Topology.of("lab", NodesFile.read(LAB_NODES), 2, "2001:db8:100::443");
    assertThat(t.namespaces()).containsExactly("nblab-svc", "nblab-tor-a", "nblab-tor-b", "nblab-m1", "nblab-m2");
    Topology.MachinePlace m1 = t.machines().get(0);
    assertThat(m1.nics()).extracting(n -> n.tor().ns() + "/" + n.link().port() + " " + n.bridge() + " " + n.tap())
        .containsExactly("nblab-tor-a/swp1 br0 tap0", "nblab-tor-b/swp1 br1 tap1");
    assertThat(m1.nics().get(0).slaacAddress()).isEqualTo("2001:db8:b007:5eed:5054:ff:fe1a:b001");
    assertThat(t.tors()).extracting(Topology.TorPlace::uplink).containsExactly("uplink0", "uplink1");
  }

  @Test
  void slaacIsTheEui64OfTheMac() {
    assertThat(Topology.slaac(Ipv6Prefix.parse("p", "fd00:0:0:1::/64"), new MachineId.Mac("52:54:00:6e:00:0a")))
        .isEqualTo("fd00::1:5054:ff:fe6e:a");
  }

  @Test
  void aNodesFileThatCannotBeLaidOutIsRefusedWholeWithOneLinePerProblem() throws Exception {
    String text = Files.readString(LAB_NODES)
        .replace("tor: tor-a, port: swp2}", "tor: tor-a, port: spine}")
        .replace("macs: [\"52:54:00:1a:b0:01\", \"52:54:00:1a:b1:01\"]", "macs: [\"52:54:00:1a:b0:01\"]");
    Inventory inv = NodesFile.parse("bad.yaml", text);
    assertThatThrownBy(() -> Topology.of("lab", inv, 2, "2001:db8:b007:5eed::1"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.getMessage()).contains("cannot lay out the lab (3 problems)");
          assertThat(e.details()).anySatisfy(l -> assertThat(l).contains("--anycast").contains("bootstrap prefix"))
              .anySatisfy(l -> assertThat(l).contains("node m1: macs: 1 MACs for 2 fabric links"))
              .anySatisfy(l -> assertThat(l).contains("node m2: fabric[0].port: 'spine'"));
        });
    assertThatThrownBy(() -> Topology.of("lab", NodesFile.read(LAB_NODES), 3, "2001:db8:100::443"))
        .hasMessageContaining("cannot lay out the lab (1 problem)");
  }

  @Test
  void theRealFrrAcceptsTheTorAndServicesConfigs() throws Exception {
    Topology t = Topology.of("lab", NodesFile.read(LAB_NODES), 2, "2001:db8:100::443");
    List<String[]> configs = new ArrayList<>();
    for (Topology.TorPlace tor : t.tors()) {
      configs.add(new String[] {tor.tor().name(), RouterConfigs.tor(t, tor)});
    }
    configs.add(new String[] {"services", RouterConfigs.services(t)});
    for (String[] c : configs) {
      Path f = dir.resolve(c[0] + ".conf");
      Files.writeString(f, c[1]);
      Process p = new ProcessBuilder("vtysh", "-C", "-f", f.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("vtysh -C on " + c[0] + ":\n" + out + "\n" + c[1]).isZero();
    }
    assertThat(RouterConfigs.tor(t, t.tors().get(0)))
        .contains("interface swp1\n").contains("ipv6 nd prefix 2001:db8:b007:5eed::/64\n")
        .contains("neighbor spine interface remote-as external\n")
        .contains("network 2001:db8:b007:5eed::/64\n").contains("redistribute kernel route-map lab-host-routes\n");
    assertThat(RouterConfigs.services(t)).contains("neighbor uplink0 interface remote-as external\n")
        .contains("network 2001:db8:100::443/128\n");
  }
}
