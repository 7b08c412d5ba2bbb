package nettboot.lab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.MachineId;
import nettboot.core.pki.Addresses;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.Tor;

/**
 * The lab's layout, computed from a nodes file before anything is created: namespace and
 * interface names, the machines' SLAAC addresses, the services namespace with the anycast /128.
 * Pure; a nodes file that cannot be laid out is refused whole, one line per problem.
 */
public record Topology(String name, Inventory inventory, String anycast, String servicesNs,
    List<TorPlace> tors, List<MachinePlace> machines) {
  /** The services router's ASN and BGP identifier (not part of the nodes file). */
  public static final long SERVICES_ASN = 65200;
  public static final String SERVICES_ROUTER_ID = "0.0.253.1";
  /** The ToR's uplink to the services namespace. */
  public static final String SPINE_IF = "spine";

  private static final Pattern LAB_NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");

  /** A ToR: its namespace and the uplink's name on the services side. */
  public record TorPlace(Tor tor, String ns, String uplink) {}

  /**
   * One NIC of a machine: the ToR port it is cabled to, and inside the machine namespace the
   * bridge joining the ToR's veth ({@code up<i>}) and the VM's tap ({@code tap<i>}).
   */
  public record Nic(int index, FabricLink link, MachineId.Mac mac, TorPlace tor, String bridge,
      String up, String tap, String slaacAddress) {}

  public record MachinePlace(Node node, String ns, List<Nic> nics) {}

  /**
   * Lays out the first {@code machines} nodes of {@code inv}.
   *
   * @param name short lab name (namespace prefix {@code nb<name>-})
   */
  public static Topology of(String name, Inventory inv, int machines, String anycast) {
    List<String> problems = new ArrayList<>();
    if (!LAB_NAME.matcher(name).matches()) {
      problems.add("lab name '" + name + "': 1-8 lowercase letters and digits, starting with a letter");
    }
    String canonicalAnycast = anycast;
    try {
      Ipv6Prefix host = Ipv6Prefix.parse("--anycast", anycast + "/128");
      canonicalAnycast = Addresses.canonical(host.network());
      if (inv.cluster().bootstrapPrefix().contains(host)) {
        problems.add("--anycast " + anycast + " lies inside the bootstrap prefix "
            + inv.cluster().bootstrapPrefix() + "; the server must not be on the machines' segment");
      }
    } catch (RuntimeException e) {
      problems.add("--anycast " + anycast + ": not an IPv6 address");
    }
    String prefix = "nb" + name + "-";
    List<TorPlace> tors = new ArrayList<>();
    for (Tor t : inv.fabric().tors()) {
      tors.add(new TorPlace(t, prefix + t.name(), "uplink" + tors.size()));
    }
    if (tors.size() < 2) {
      problems.add(inv.source() + ": fabric.tors: the lab needs two ToRs (found " + tors.size() + ")");
    }
    if (machines < 1 || machines > inv.nodes().size()) {
      problems.add("--machines " + machines + ": " + inv.source() + " has " + inv.nodes().size()
          + " nodes (1.." + inv.nodes().size() + ")");
    }
    List<MachinePlace> places = new ArrayList<>();
    Set<String> ports = new HashSet<>();
    for (Node n : inv.nodes().subList(0, Math.max(0, Math.min(machines, inv.nodes().size())))) {
      String where = inv.source() + ":" + n.line() + ": node " + n.name() + ": ";
      if (n.fabric().isEmpty()) {
        problems.add(where + "fabric: no links; a lab machine needs at least one (two for dual ToR)");
      }
      if (n.macs().size() < n.fabric().size()) {
        problems.add(where + "macs: " + n.macs().size() + " MACs for " + n.fabric().size()
            + " fabric links; the lab gives NIC i the MAC macs[i]");
      }
      List<Nic> nics = new ArrayList<>();
      for (int i = 0; i < n.fabric().size(); i++) {
        FabricLink l = n.fabric().get(i);
        TorPlace tor = tors.stream().filter(t -> t.tor().name().equals(l.tor())).findFirst().orElse(null);
        if (tor == null) {
          problems.add(where + "fabric[" + i + "].tor: no ToR " + l.tor() + " in fabric.tors");
          continue;
        }
        if (!IFNAME.matcher(l.port()).matches() || l.port().equals(SPINE_IF) || l.port().equals("lo")) {
          problems.add(where + "fabric[" + i + "].port: '" + l.port()
              + "' cannot be a Linux interface name (1-15 of A-Z a-z 0-9 . _ -, not 'spine' or 'lo')");
          continue;
        }
        if (!ports.add(l.tor() + "/" + l.port())) {
          problems.add(where + "fabric[" + i + "]: port " + l.port() + " of " + l.tor() + " is cabled twice");
          continue;
        }
        if (i < n.macs().size()) {
          MachineId.Mac mac = n.macs().get(i);
          nics.add(new Nic(i, l, mac, tor, "br" + i, "up" + i, "tap" + i,
              slaac(inv.cluster().bootstrapPrefix(), mac)));
        }
      }
      places.add(new MachinePlace(n, prefix + n.name(), List.copyOf(nics)));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(inv.source(), "cannot lay out the lab ("
          + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ")", problems);
    }
    return new Topology(name, inv, canonicalAnycast, prefix + "svc", List.copyOf(tors), List.copyOf(places));
  }

  /** Every namespace of this lab, services first. */
  public List<String> namespaces() {
    List<String> all = new ArrayList<>(List.of(servicesNs));
    tors.forEach(t -> all.add(t.ns()));
    machines.forEach(m -> all.add(m.ns()));
    return all;
  }

  /** The namespace prefix of every lab with this name. */
  public String namespacePrefix() {
    return "nb" + name + "-";
  }

  /** The SLAAC (EUI-64) address a NIC with {@code mac} takes from the /64 {@code prefix}. */
  public static String slaac(Ipv6Prefix prefix, MachineId.Mac mac) {
    byte[] a = prefix.network();
    String[] h = mac.value().split(":");
    int[] m = new int[6];
    for (int i = 0; i < 6; i++) {
      m[i] = Integer.parseInt(h[i], 16);
    }
    int[] iid = {m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]};
    for (int i = 0; i < 8; i++) {
      a[8 + i] = (byte) iid[i];
    }
    return Addresses.canonical(a);
  }
}
