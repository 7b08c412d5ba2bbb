package nettboot.core.talos;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.Role;

/**
 * A validated {@code nodes.yaml}: the cluster, its tenants, its nodes and the fabric they hang
 * off. Built only by {@link NodesFile#parse}, which refuses the whole file when anything is wrong,
 * so every value here has been checked (canonical IPv6 text, /64 where a /64 is required, unique
 * identities and prefixes).
 */
public record Inventory(String source, Cluster cluster, List<Tenant> tenants, List<Node> nodes,
    Fabric fabric) {

  public Inventory {
    tenants = List.copyOf(tenants);
    nodes = List.copyOf(nodes);
  }

  /** The node called {@code name}. */
  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** The BGP daemon that runs on the nodes. */
  public enum Speaker {
    /** The official bird2 system extension, configured by an ExtensionServiceConfig document. */
    BIRD2("bird2"),
    /** FRR as a host-network static pod, its configuration in a machine file. */
    FRR("frr");

    private final String wireName;

    Speaker(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public record Cluster(
      String name,
      String talosVersion,
      String installImage,
      String kubernetesEndpoint,
      List<Ipv6Prefix> podSubnets,
      List<Ipv6Prefix> serviceSubnets,
      List<String> cniManifests,
      List<String> nameservers,
      List<RegistryMirror> registryMirrors,
      String bootDomain,
      Ipv6Prefix bootstrapPrefix,
      Optional<Ipv6Prefix> productionPool,
      Speaker speaker,
      long asn,
      Optional<String> frrImage) {
    public Cluster {
      podSubnets = List.copyOf(podSubnets);
      serviceSubnets = List.copyOf(serviceSubnets);
      cniManifests = List.copyOf(cniManifests);
      nameservers = List.copyOf(nameservers);
      registryMirrors = List.copyOf(registryMirrors);
    }
  }

  /** Pulls of {@code registry} (a registry host name, or {@code *} for all) go to {@code endpoint}. */
  public record RegistryMirror(String registry, String endpoint) {}

  public record Tenant(String name) {}

  /** How a node gets its production /64: written in the file, or allocated from the pool. */
  public sealed interface PrefixChoice {
    record Static(Ipv6Prefix prefix) implements PrefixChoice {}

    record Allocate() implements PrefixChoice {}
  }

  /** One fabric link of a node: its interface name, and the ToR port at the other end. */
  public record FabricLink(String iface, String tor, String port, OptionalInt mtu) {}

  /**
   * The node's BMC (its base URL). Credentials and the pinned certificate are named in the same
   * block (files or environment variables), checked by {@link NodesFile} and resolved only by
   * {@link NodesFile#readBmcs} for {@code redfish provision}, never kept here.
   */
  public record Bmc(String url) {}

  public record Node(
      String name,
      String tenant,
      Role role,
      Optional<MachineId.Uuid> uuid,
      List<MachineId.Mac> macs,
      String installDisk,
      List<FabricLink> fabric,
      PrefixChoice prefix,
      long asn,
      Optional<Bmc> bmc,
      int line) {
    public Node {
      macs = List.copyOf(macs);
      fabric = List.copyOf(fabric);
    }
  }

  /** A top-of-rack switch: FRR, eBGP unnumbered towards the servers. */
  public record Tor(String name, long asn, String routerId) {}

  /** The L2 lab gateway of a lab without ToRs: sends the bootstrap RA on {@code iface}. */
  public record Gateway(String name, String iface, long asn, String routerId) {}

  public record Fabric(List<Tor> tors, Optional<Gateway> gateway) {
    public Fabric {
      tors = List.copyOf(tors);
    }
  }
}
