package nettboot.core.talos;

import java.util.stream.Collectors;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Node;

/**
 * The node-side BGP speaker configuration: unnumbered eBGP over the IPv6 link-local address of each
 * fabric link, announcing exactly the node's production prefix (the connected route of {@code
 * dummy0}) and installing what the fabric announces into the kernel.
 *
 * <p>bird2: one dynamic BGP protocol per fabric link ({@code neighbor range fe80::/10 external}:
 * the ToR, FRR with {@code neighbor IF interface}, opens the session to the node's link-local
 * address) and a router-advertisement protocol that announces no prefix and no default route
 * (router lifetime 0) but lets the ToR learn the node's link-local address, as FRR's unnumbered
 * peering needs. FRR: {@code neighbor IF interface} per link in a peer group. Nodes share one ASN
 * ({@code cluster.bgp.asn}), so both accept their own ASN once in a path ({@code allow local as} /
 * {@code allowas-in 1}) to learn the other nodes' prefixes through the ToRs.
 */
public final class BgpSpeakerConfig {
  private BgpSpeakerConfig() {}

  /**
   * The node's 32-bit BGP router id, taken from bits 32-63 of its production /64: unique among the
   * nodes whose /64s share a /32, and never zero.
   */
  public static long routerId(Ipv6Prefix prefix) {
    byte[] n = prefix.network();
    long id = ((n[4] & 0xffL) << 24) | ((n[5] & 0xffL) << 16) | ((n[6] & 0xffL) << 8) | (n[7] & 0xffL);
    return id == 0 ? 1 : id;
  }

  /** bird.conf for the bird2 system extension. */
  public static String bird(Inventory inv, Node node, Ipv6Prefix prefix) {
    String ifaces = node.fabric().stream().map(l -> "\"" + l.iface() + "\"").collect(Collectors.joining(", "));
    StringBuilder b = new StringBuilder();
    b.append("# bird2 on ").append(node.name()).append(": BGP unnumbered over the fabric links, announcing ")
        .append(prefix).append("\n");
    b.append("log stderr all;\n");
    b.append("router id ").append(routerId(prefix)).append(";\n\n");
    b.append("protocol device {\n  scan time 10;\n}\n\n");
    b.append("protocol direct node_prefix {\n  ipv6;\n  interface \"")
        .append(MachineConfigGenerator.DUMMY).append("\";\n}\n\n");
    b.append("protocol kernel {\n  ipv6 {\n    import none;\n    export where source = RTS_BGP;\n  };\n")
        .append("  merge paths on;\n}\n\n");
    b.append("# router lifetime 0 and no prefixes: only so that the ToR learns our link-local address\n");
    b.append("protocol radv {\n  interface ").append(ifaces).append(" {\n")
        .append("    max ra interval 10;\n    default lifetime 0;\n  };\n}\n\n");
    b.append("filter node_prefix_only {\n  if net = ").append(prefix).append(" then accept;\n  reject;\n}\n\n");
    b.append("template bgp fabric {\n  local as ").append(node.asn()).append(";\n")
        .append("  allow local as 1;\n")
        .append("  ipv6 {\n    import all;\n    export filter node_prefix_only;\n  };\n}\n");
    for (FabricLink link : node.fabric()) {
      String id = link.iface().replaceAll("[^A-Za-z0-9]", "_");
      b.append("\nprotocol bgp fabric_").append(id).append(" from fabric {\n")
          .append("  interface \"").append(link.iface()).append("\";\n")
          .append("  neighbor range fe80::/10 external;\n")
          .append("  dynamic name \"fabric_").append(id).append("_\";\n")
          .append("}\n");
    }
    return b.toString();
  }

  /** frr.conf for the FRR static-pod variant. */
  public static String frr(Inventory inv, Node node, Ipv6Prefix prefix) {
    long id = routerId(prefix);
    StringBuilder b = new StringBuilder();
    b.append("! FRR on ").append(node.name()).append(": BGP unnumbered over the fabric links, announcing ")
        .append(prefix).append("\n");
    b.append("frr defaults datacenter\nhostname ").append(node.name()).append("\n!\n");
    for (FabricLink link : node.fabric()) {
      b.append("interface ").append(link.iface()).append("\n ipv6 nd ra-interval 10\n")
          .append(" ipv6 nd ra-lifetime 0\n no ipv6 nd suppress-ra\nexit\n!\n");
    }
    b.append("router bgp ").append(node.asn()).append("\n")
        .append(" bgp router-id ").append(dotted(id)).append("\n")
        .append(" no bgp default ipv4-unicast\n")
        .append(" bgp bestpath as-path multipath-relax\n")
        .append(" neighbor fabric peer-group\n")
        .append(" neighbor fabric remote-as external\n");
    for (FabricLink link : node.fabric()) {
      b.append(" neighbor ").append(link.iface()).append(" interface peer-group fabric\n");
    }
    b.append(" !\n address-family ipv6 unicast\n")
        .append("  network ").append(prefix).append("\n")
        .append("  neighbor fabric activate\n")
        .append("  neighbor fabric allowas-in 1\n")
        .append("  neighbor fabric prefix-list node-out out\n")
        .append(" exit-address-family\nexit\n!\n")
        .append("ipv6 prefix-list node-out seq 10 permit ").append(prefix).append("\n!\n");
    return b.toString();
  }

  /** FRR's daemons file: zebra and bgpd only. */
  public static String frrDaemons() {
    return "zebra=yes\nbgpd=yes\nvtysh_enable=yes\nzebra_options=\"-A 127.0.0.1 -s 90000000\"\n"
        + "bgpd_options=\"-A 127.0.0.1\"\n";
  }

  /** A 32-bit id in the dotted form FRR's router-id takes (an identifier, not an address). */
  static String dotted(long id) {
    return ((id >> 24) & 0xff) + "." + ((id >> 16) & 0xff) + "." + ((id >> 8) & 0xff) + "." + (id & 0xff);
  }
}
