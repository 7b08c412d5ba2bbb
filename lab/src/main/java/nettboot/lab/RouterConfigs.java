package nettboot.lab;

import nettboot.core.fabric.FabricConfigs;

/**
 * FRR configurations of the lab's routers. A ToR runs exactly what {@code fabric tor} generates
 * for it, plus the lab's uplink: an unnumbered eBGP session to the services namespace that
 * announces the bootstrap /64 and, more specific, the /128 of every machine NIC cabled to this
 * ToR (kernel host routes the lab installs per server port, as a ToR's neighbour-learned host
 * routes would be), so the metadata server's answer to a SLAAC address takes the link that works.
 * The services router announces the metadata server's anycast /128.
 */
public final class RouterConfigs {
  private RouterConfigs() {}

  public static String tor(Topology t, Topology.TorPlace tor) {
    String bootstrap = t.inventory().cluster().bootstrapPrefix().toString();
    return FabricConfigs.tor(t.inventory(), tor.tor().name())
        + "! lab uplink to the services namespace (BGP unnumbered)\n"
        + "router bgp " + tor.tor().asn() + "\n"
        + " no bgp network import-check\n"
        + " neighbor " + Topology.SPINE_IF + " interface remote-as external\n"
        + " address-family ipv6 unicast\n"
        + "  neighbor " + Topology.SPINE_IF + " activate\n"
        + "  network " + bootstrap + "\n"
        + "  redistribute kernel route-map lab-host-routes\n"
        + " exit-address-family\n"
        + "exit\n!\n"
        + "ipv6 prefix-list lab-host-routes seq 10 permit " + bootstrap + " ge 128\n"
        + "route-map lab-host-routes permit 10\n"
        + " match ipv6 address prefix-list lab-host-routes\n"
        + "exit\n!\n";
  }

  public static String services(Topology t) {
    StringBuilder b = new StringBuilder();
    b.append("! FRR of the lab's services namespace: the metadata server's anycast /128\n")
        .append("frr defaults datacenter\nhostname services\n!\n")
        .append("router bgp ").append(Topology.SERVICES_ASN).append("\n")
        .append(" bgp router-id ").append(Topology.SERVICES_ROUTER_ID).append("\n")
        .append(" no bgp default ipv4-unicast\n")
        .append(" no bgp network import-check\n")
        .append(" bgp bestpath as-path multipath-relax\n");
    for (Topology.TorPlace tor : t.tors()) {
      b.append(" neighbor ").append(tor.uplink()).append(" interface remote-as external\n");
    }
    b.append(" address-family ipv6 unicast\n");
    for (Topology.TorPlace tor : t.tors()) {
      b.append("  neighbor ").append(tor.uplink()).append(" activate\n");
    }
    b.append("  network ").append(t.anycast()).append("/128\n")
        .append(" exit-address-family\nexit\n!\n");
    return b.toString();
  }
}
