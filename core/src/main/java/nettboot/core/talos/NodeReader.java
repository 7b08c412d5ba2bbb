package nettboot.core.talos;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.Names;
import nettboot.core.machine.Role;
import nettboot.core.talos.ClusterReader.ClusterFacts;
import nettboot.core.talos.Inventory.Bmc;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.PrefixChoice;
import nettboot.core.talos.Inventory.Tor;
import nettboot.core.talos.LocatedYaml.Scalar;
import nettboot.core.talos.LocatedYaml.Seq;

/**
 * Reads one entry of the {@code nodes:} list against what the file declared elsewhere: the
 * cluster (its pool and default ASN), the tenants and the fabric's ToRs.
 */
final class NodeReader {
  static final Set<String> FIELDS = Set.of("name", "tenant", "role", "uuid", "macs", "installDisk",
      "fabric", "prefix", "asn", "bmc");
  private static final Pattern DISK = Pattern.compile("/dev/[A-Za-z0-9/._-]{1,200}");

  /** A validated value, the field it came from and where it was written. */
  record Located<T>(T value, String field, LocatedYaml at) {}

  /** A ToR port a node link is cabled to. */
  record Cable(String tor, String port) {}

  /**
   * What one entry ({@code field}, e.g. {@code nodes[2]}; {@code label} its name, or the field
   * when the name is invalid) declared validly, for the checks across nodes, even when another of
   * its fields was invalid; {@code node} is present only when the whole entry was valid.
   */
  record NodeFacts(String field, String label, Optional<Located<String>> name, Optional<Located<MachineId.Uuid>> uuid,
      List<Located<MachineId.Mac>> macs, List<Located<Cable>> cables,
      Optional<Located<Ipv6Prefix>> staticPrefix, Optional<Node> node) {}

  private final YamlChecker file;
  private final ClusterFacts cluster;
  private final Set<String> tenants;
  private final Inventory.Fabric fabric;

  NodeReader(YamlChecker file, ClusterFacts cluster, Set<String> tenants, Inventory.Fabric fabric) {
    this.file = file;
    this.cluster = cluster;
    this.tenants = tenants;
    this.fabric = fabric;
  }

  /** The node's name: a DNS label, as its host name and certificate require. */
  static String name(YamlChecker c, LocatedYaml.Map m, String f) {
    return c.matching(c.scalar(m, "name", f + ".name", true), f + ".name", Names.DNS_LABEL,
        "a host name label (a-z, 0-9, '-', at most 63)");
  }

  /** Reads the entry {@code v} at field {@code f} ({@code nodes[i]}); null when it is not a mapping. */
  NodeFacts read(LocatedYaml v, String f) {
    LocatedYaml.Map m = file.map(v, f, FIELDS);
    if (m == null) {
      return null;
    }
    String name = name(file, m, f);
    YamlChecker c = file.about(name == null ? f : name);
    String tenant = tenant(c, c.scalar(m, "tenant", f + ".tenant", true), f);
    Scalar roleS = c.scalar(m, "role", f + ".role", true);
    Role role = roleS == null ? null : c.check(roleS, f + ".role", () -> Role.parse(roleS.text()));
    Scalar uuidS = c.scalar(m, "uuid", f + ".uuid", false);
    MachineId.Uuid uuid = uuidS == null ? null : c.check(uuidS, f + ".uuid", () -> MachineId.parseUuid(uuidS.text()));
    List<LocatedYaml> macItems = c.seq(m, "macs", f + ".macs", false);
    List<Located<MachineId.Mac>> macs = macs(c, macItems, f);
    if (uuidS == null && macItems.isEmpty()) {
      c.problem(m, f + ".uuid", "neither uuid nor macs given; a node needs at least one identity");
    }
    String disk = disk(c, c.scalar(m, "installDisk", f + ".installDisk", true), f);
    List<LocatedYaml> linkItems = c.seq(m, "fabric", f + ".fabric", true);
    if (linkItems.isEmpty() && m.entries().get("fabric") instanceof Seq) {
      c.problem(m.entries().get("fabric"), f + ".fabric", "empty; a node needs at least one fabric interface for BGP");
    }
    List<Located<Cable>> cables = new ArrayList<>();
    List<FabricLink> links = links(c, linkItems, f, cables);
    Scalar prefixS = c.scalar(m, "prefix", f + ".prefix", true);
    PrefixChoice prefix = prefix(c, prefixS, f);
    long asn = c.number(c.scalar(m, "asn", f + ".asn", false), f + ".asn", 1, 4294967294L, cluster.asn());
    Optional<Bmc> bmc = Optional.empty();
    if (m.entries().get("bmc") != null) {
      BmcReader.Block b = new BmcReader(c).read(m.entries().get("bmc"), f);
      if (b != null && b.complete()) {
        bmc = Optional.of(new Bmc(b.url().toString()));
      }
    }
    Optional<Node> node = name == null || tenant == null || role == null || (uuidS != null && uuid == null)
        || macs.size() != macItems.size() || disk == null || links.size() != linkItems.size()
        || prefix == null || (m.entries().get("bmc") != null && bmc.isEmpty()) ? Optional.empty()
        : Optional.of(new Node(name, tenant, role, Optional.ofNullable(uuid),
            macs.stream().map(Located::value).toList(), disk, links, prefix, asn, bmc, m.line()));
    return new NodeFacts(f, name == null ? f : name,
        Optional.ofNullable(name).map(n -> new Located<>(n, f + ".name", m.entries().get("name"))),
        Optional.ofNullable(uuid).map(u -> new Located<>(u, f + ".uuid", uuidS)), macs, cables,
        prefix instanceof PrefixChoice.Static s ? Optional.of(new Located<>(s.prefix(), f + ".prefix", prefixS))
            : Optional.empty(),
        node);
  }

  private String tenant(YamlChecker c, Scalar tenantS, String f) {
    if (tenantS == null) {
      return null;
    }
    if (!tenants.contains(tenantS.text())) {
      c.problem(tenantS, f + ".tenant", "unknown tenant \"" + tenantS.text() + "\"; tenants are "
          + tenants.stream().sorted().toList());
      return null;
    }
    return tenantS.text();
  }

  private static List<Located<MachineId.Mac>> macs(YamlChecker c, List<LocatedYaml> items, String f) {
    List<Located<MachineId.Mac>> macs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String mf = f + ".macs[" + i + "]";
      Scalar s = c.scalarItem(items.get(i), mf);
      MachineId.Mac mac = s == null ? null : c.check(s, mf, () -> MachineId.parseMac(s.text()));
      if (mac != null) {
        if (macs.stream().anyMatch(x -> x.value().equals(mac))) {
          c.problem(s, mf, "MAC " + mac + " listed twice");
        } else {
          macs.add(new Located<>(mac, mf, s));
        }
      }
    }
    return macs;
  }

  private static String disk(YamlChecker c, Scalar diskS, String f) {
    if (diskS == null) {
      return null;
    }
    if (!DISK.matcher(diskS.text()).matches() || diskS.text().contains("..")) {
      c.problem(diskS, f + ".installDisk", "\"" + diskS.text() + "\" is not a device path such as /dev/nvme0n1");
      return null;
    }
    return diskS.text();
  }

  private List<FabricLink> links(YamlChecker c, List<LocatedYaml> items, String f, List<Located<Cable>> cables) {
    List<FabricLink> links = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String lf = f + ".fabric[" + i + "]";
      LocatedYaml.Map l = c.map(items.get(i), lf, Set.of("interface", "tor", "port", "mtu"));
      if (l == null) {
        continue;
      }
      String iface = c.iface(c.scalar(l, "interface", lf + ".interface", true), lf + ".interface");
      if (iface != null && links.stream().anyMatch(x -> x.iface().equals(iface))) {
        c.problem(l.entries().get("interface"), lf + ".interface", "interface " + iface + " listed twice");
        continue;
      }
      if (iface != null && iface.startsWith("dummy")) {
        c.problem(l.entries().get("interface"), lf + ".interface", "dummy* names are reserved for the node's production address");
        continue;
      }
      Scalar torS = c.scalar(l, "tor", lf + ".tor", false);
      String tor = null;
      if (torS != null) {
        if (fabric.tors().stream().noneMatch(t -> t.name().equals(torS.text()))) {
          c.problem(torS, lf + ".tor", "unknown ToR \"" + torS.text() + "\"; fabric.tors are "
              + fabric.tors().stream().map(Tor::name).toList());
        } else {
          tor = torS.text();
        }
      }
      Scalar portS = c.scalar(l, "port", lf + ".port", torS != null);
      String port = c.iface(portS, lf + ".port");
      if (tor != null && port != null) {
        cables.add(new Located<>(new Cable(tor, port), lf + ".port", portS));
      }
      long mtu = c.number(c.scalar(l, "mtu", lf + ".mtu", false), lf + ".mtu", 1280, 9216, -1);
      if (iface != null && (torS == null || tor != null) && (torS == null || port != null)) {
        links.add(new FabricLink(iface, tor, port, mtu > 0 ? OptionalInt.of((int) mtu) : OptionalInt.empty()));
      }
    }
    return links;
  }

  private PrefixChoice prefix(YamlChecker c, Scalar prefixS, String f) {
    if (prefixS == null) {
      return null;
    }
    if ("allocate".equals(prefixS.text())) {
      if (!cluster.poolDeclared()) {
        c.problem(prefixS, f + ".prefix", "\"allocate\" needs cluster.productionPool");
        return null;
      }
      return new PrefixChoice.Allocate();
    }
    Ipv6Prefix p = c.prefix(prefixS, f + ".prefix", 64);
    return p == null ? null : new PrefixChoice.Static(p);
  }
}
