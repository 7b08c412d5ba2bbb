package nettboot.core.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.Role;
import nettboot.core.talos.Inventory.PrefixChoice;
import org.junit.jupiter.api.Test;

class NodesFileTest {
  static final Path EXAMPLE = Path.of("..", "examples", "nodes.yaml");

  @Test
  void theDocumentedExampleIsAValidThreePlusThreeCluster() {
    Inventory inv = NodesFile.read(EXAMPLE);
    assertThat(inv.nodes()).hasSize(6);
    assertThat(inv.nodes().stream().filter(n -> n.role() == Role.CONTROLPLANE)).hasSize(3);
    assertThat(inv.cluster().bootstrapPrefix()).hasToString("2001:db8:b007:5eed::/64");
    assertThat(inv.cluster().talosVersion()).isEqualTo("v1.13.9");
    assertThat(inv.node("cp-1").orElseThrow().prefix())
        .isEqualTo(new PrefixChoice.Static(Ipv6Prefix.parse("p", "2001:db8:1000:1::/64")));
    assertThat(inv.node("worker-1").orElseThrow().prefix()).isInstanceOf(PrefixChoice.Allocate.class);
    assertThat(inv.node("cp-1").orElseThrow().bmc()).isPresent();
    assertThat(inv.fabric().tors()).hasSize(2);
  }

  /** A file with one of each mistake: every one is reported, each with its line, node and field. */
  static final String BAD = """
      cluster:
        name: prod1
        talosVersion: v1.14.0
        installImage: registry.example.net/installer:v1.14.0
        kubernetes:
          endpoint: https://192.0.2.10:6443
          podSubnets: [2001:db8:4000::/56]
          serviceSubnets: [2001:db8:5000::/112]
        nameservers: [2001:db8:meta::1, 192.0.2.53]
        bootDomain: boot.example.net
        bootstrapPrefix: 2001:db8:boot:strap::/64
        productionPool: 2001:db8:1000::/56
        colour: blue
      tenants:
        - name: acme
      nodes:
        - name: cp-1
          tenant: acme
          role: controlplane
          uuid: 4c4c4544-0042-3510-8052-b1c04f4e3133
          macs: ["0c:c4:7a:00:10:01"]
          installDisk: /dev/nvme0n1
          fabric: [{interface: eth0}]
          prefix: 2001:db8:1000:1::/64
        - name: cp-2
          tenant: acme
          role: controlplane
          uuid: 4C4C4544-0042-3510-8052-B1C04F4E3133
          macs: ["0c-c4-7a-00-10-01"]
          installDisk: /dev/nvme0n1
          fabric: [{interface: eth0}]
          prefix: 2001:db8:1000:1::/64
        - name: worker-1
          tenant: nobody
          role: bystander
          macs: ["0c:c4:7a:00:10:03"]
          installDisk: /dev/sda
          fabric: [{interface: eth0}]
          prefix: 2001:db8:1000:100::/56
        - name: worker-2
          tenant: acme
          role: worker
          macs: ["0c:c4:7a:00:10:04"]
          installDisk: /dev/sda
          fabric: [{interface: eth0}]
          prefix: 2001:db8:4000:7::/64
      """;

  @Test
  void reportsEveryProblemAtOnceWithLineNodeAndField() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> NodesFile.parse("bad.yaml", BAD));
    List<String> d = e.details();
    d.forEach(System.out::println);
    assertThat(e.field()).isEqualTo("bad.yaml");
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:3:").contains("cluster.talosVersion")
        .contains("unknown Talos version \"v1.14.0\""));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:6:")
        .contains("cluster.kubernetes.endpoint").contains("IPv4"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:9:")
        .contains("cluster.nameservers[0]").contains("2001:db8:meta::1"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:9:")
        .contains("cluster.nameservers[1]").contains("192.0.2.53"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:11:")
        .contains("cluster.bootstrapPrefix").contains("2001:db8:boot:strap::"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:13:")
        .contains("cluster.colour").contains("unknown field"));
    // cp-2 repeats cp-1's UUID (other case) and MAC (other spelling) and prefix
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:28:").contains("node cp-2")
        .contains("nodes[1].uuid").contains("duplicate UUID").contains("cp-1"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:29:").contains("node cp-2")
        .contains("duplicate MAC 0c:c4:7a:00:10:01"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:32:").contains("node cp-2")
        .contains("nodes[1].prefix").contains("duplicates the prefix of node cp-1"));
    assertThat(d).anySatisfy(l -> assertThat(l).contains("node worker-1").contains("nodes[2].tenant")
        .contains("unknown tenant \"nobody\""));
    assertThat(d).anySatisfy(l -> assertThat(l).contains("node worker-1").contains("nodes[2].role"));
    assertThat(d).anySatisfy(l -> assertThat(l).startsWith("bad.yaml:39:").contains("node worker-1")
        .contains("nodes[2].prefix").contains("a /64 is required"));
    assertThat(d).anySatisfy(l -> assertThat(l).contains("node worker-2").contains("nodes[3].prefix")
        .contains("overlaps cluster subnet 2001:db8:4000::/56"));
    assertThat(d).hasSizeGreaterThanOrEqualTo(13);
  }

  @Test
  void overlappingStaticPrefixesAndASyntaxErrorAreNamed() {
    String overlap = BAD.replace("prefix: 2001:db8:1000:100::/56", "prefix: 2001:db8:1000:1::/64");
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> NodesFile.parse("o.yaml", overlap));
    assertThat(e.details()).anySatisfy(l -> assertThat(l).contains("node worker-1")
        .contains("duplicates the prefix of node cp-1"));

    InvalidInputException syntax = catchThrowableOfType(InvalidInputException.class,
        () -> NodesFile.parse("s.yaml", "cluster:\n  name: [unclosed\n"));
    assertThat(syntax.getMessage()).contains("s.yaml").contains("YAML syntax");
  }

  @Test
  void allocateNeedsAPool() {
    String text = BAD.replace("  productionPool: 2001:db8:1000::/56\n", "")
        .replace("prefix: 2001:db8:4000:7::/64", "prefix: allocate");
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> NodesFile.parse("a.yaml", text));
    assertThat(e.details()).anySatisfy(l -> assertThat(l).contains("node worker-2")
        .contains("\"allocate\" needs cluster.productionPool"));
  }

  @Test
  void bmcBlocksAreCheckedInTheSameFormat() throws Exception {
    String text = java.nio.file.Files.readString(EXAMPLE)
        .replace("      url: https://[2001:db8:200::1]\n", "      url: ftp://[2001:db8:200::1]\n      password: hunter2\n")
        .replace("      certificate: /etc/nett-boot/bmc/cp-2.pem         # the BMC's certificate, recorded at enrolment\n", "");
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> NodesFile.parse("n.yaml", text));
    List<String> d = e.details();
    d.forEach(System.out::println);
    assertThat(d).anySatisfy(l -> assertThat(l).matches("n\\.yaml:63:\\d+: node cp-1: nodes\\[0\\]\\.bmc\\.url: "
        + "scheme must be https.*"));
    assertThat(d).anySatisfy(l -> assertThat(l).matches("n\\.yaml:64:\\d+: node cp-1: nodes\\[0\\]\\.bmc\\.password: "
        + "inline passwords are not accepted; use passwordFile or passwordEnv"));
    assertThat(d).anySatisfy(l -> assertThat(l).contains("node cp-2: nodes[1].bmc.certificate: missing; pin the "
        + "BMC's certificate or CA"));
    assertThat(d).noneMatch(l -> l.contains("hunter2"));
    assertThat(d).hasSize(3);
  }

  @Test
  void duplicateNamesAndDoublyCabledPortsAreNamedWithBothNodes() throws Exception {
    String text = java.nio.file.Files.readString(EXAMPLE)
        .replace("{interface: enp1s0f0, tor: tor-a1, port: swp2, mtu: 9000}",
            "{interface: enp1s0f0, tor: tor-a1, port: swp1, mtu: 9000}")
        .replace("  - name: worker-2\n", "  - name: cp-3\n");
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> NodesFile.parse("d.yaml", text));
    List<String> d = e.details();
    d.forEach(System.out::println);
    assertThat(d).anySatisfy(l -> assertThat(l).matches("d\\.yaml:75:\\d+: node cp-2: nodes\\[1\\]\\.fabric\\[0\\]\\.port: "
        + "ToR tor-a1 port swp1 is already cabled to node cp-1"));
    assertThat(d).anySatisfy(l -> assertThat(l).matches("d\\.yaml:114:\\d+: node cp-3: nodes\\[4\\]\\.name: "
        + "duplicate node name \\(also nodes\\[2\\]\\)"));
    assertThat(d).hasSize(2);
  }
}
