package nettboot.core.talos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.Names;
import nettboot.core.pki.Addresses;
import nettboot.core.talos.Inventory.Cluster;
import nettboot.core.talos.Inventory.RegistryMirror;
import nettboot.core.talos.Inventory.Speaker;
import nettboot.core.talos.LocatedYaml.Scalar;
import nettboot.core.talos.LocatedYaml.Seq;

/** Reads the {@code cluster:} section of a nodes file. */
final class ClusterReader {
  static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9.:/_-]{0,250}(@sha256:[0-9a-f]{64})?");

  /**
   * What the cluster section declared, even when another part of it was invalid ({@code cluster}
   * is then null): the node reader and the cross checks need the subnets, the pool and the ASN.
   */
  record ClusterFacts(Cluster cluster, List<Ipv6Prefix> subnets, boolean poolDeclared, long asn) {
    static final ClusterFacts NONE = new ClusterFacts(null, List.of(), false, NodesFile.DEFAULT_ASN);

    ClusterFacts {
      subnets = List.copyOf(subnets);
    }
  }

  private final YamlChecker c;

  ClusterReader(YamlChecker c) {
    this.c = c;
  }

  ClusterFacts read(LocatedYaml v) {
    LocatedYaml.Map m = c.map(v, "cluster", Set.of("name", "talosVersion", "installImage",
        "kubernetes", "nameservers", "registryMirrors", "bootDomain", "bootstrapPrefix",
        "productionPool", "bgp"));
    if (m == null) {
      return ClusterFacts.NONE;
    }
    String name = c.matching(c.scalar(m, "name", "cluster.name", true), "cluster.name", Names.DNS_LABEL,
        "a DNS label (a-z, 0-9, '-')");
    Scalar versionS = c.scalar(m, "talosVersion", "cluster.talosVersion", true);
    String version = versionS == null ? null
        : c.check(versionS, "cluster.talosVersion", () -> TalosVersions.require("cluster.talosVersion", versionS.text()));
    String image = installImage(c.scalar(m, "installImage", "cluster.installImage", true), version);
    Kubernetes k8s = kubernetes(m);
    List<String> nameservers = nameservers(m);
    List<RegistryMirror> mirrors = mirrors(m);
    Scalar domainS = c.scalar(m, "bootDomain", "cluster.bootDomain", true);
    String domain = domainS == null ? null
        : c.check(domainS, "cluster.bootDomain", () -> Addresses.requireDomain("cluster.bootDomain", domainS.text()));
    Ipv6Prefix bootstrap = c.prefix(c.scalar(m, "bootstrapPrefix", "cluster.bootstrapPrefix", true),
        "cluster.bootstrapPrefix", 64);
    Scalar poolS = c.scalar(m, "productionPool", "cluster.productionPool", false);
    Ipv6Prefix pool = c.prefix(poolS, "cluster.productionPool", null);
    if (pool != null && pool.length() > 63) {
      c.problem(poolS, "cluster.productionPool", pool + " is too small: per-node /64s are carved from it (at most /63)");
      pool = null;
    }
    Bgp bgp = bgp(m.entries().get("bgp"));
    noOverlaps(m, bootstrap, pool, k8s);
    List<Ipv6Prefix> subnets = new ArrayList<>();
    if (bootstrap != null) {
      subnets.add(bootstrap);
    }
    subnets.addAll(k8s.pods());
    subnets.addAll(k8s.services());
    Cluster cluster = name == null || version == null || image == null || k8s.endpoint() == null
        || k8s.pods().isEmpty() || k8s.services().isEmpty() || nameservers.isEmpty() || domain == null
        || bootstrap == null ? null
        : new Cluster(name, version, image, k8s.endpoint(), k8s.pods(), k8s.services(), k8s.manifests(),
            nameservers, mirrors, domain, bootstrap, Optional.ofNullable(pool), bgp.speaker(), bgp.asn(),
            bgp.frrImage());
    return new ClusterFacts(cluster, subnets, poolS != null, bgp.asn());
  }

  private String installImage(Scalar imageS, String version) {
    if (imageS == null) {
      return null;
    }
    if (!IMAGE.matcher(imageS.text()).matches()) {
      c.problem(imageS, "cluster.installImage", "\"" + imageS.text() + "\" is not an image reference (registry/path:tag)");
    } else if (version != null && !imageS.text().contains(":" + version)) {
      c.problem(imageS, "cluster.installImage", "the installer tag must be the cluster's Talos version " + version);
    } else {
      return imageS.text();
    }
    return null;
  }

  private record Kubernetes(String endpoint, List<Ipv6Prefix> pods, List<Ipv6Prefix> services,
      List<String> manifests) {}

  private Kubernetes kubernetes(LocatedYaml.Map m) {
    String endpoint = null;
    List<Ipv6Prefix> pods = new ArrayList<>();
    List<Ipv6Prefix> services = new ArrayList<>();
    List<String> manifests = new ArrayList<>();
    LocatedYaml k8sNode = m.entries().get("kubernetes");
    if (k8sNode == null) {
      c.problem(m, "cluster.kubernetes", "missing");
      return new Kubernetes(null, pods, services, manifests);
    }
    LocatedYaml.Map k = c.map(k8sNode, "cluster.kubernetes", Set.of("endpoint", "podSubnets",
        "serviceSubnets", "cniManifests"));
    if (k != null) {
      endpoint = c.httpsUrl(c.scalar(k, "endpoint", "cluster.kubernetes.endpoint", true), "cluster.kubernetes.endpoint");
      prefixes(k, "podSubnets", "cluster.kubernetes.podSubnets", pods);
      prefixes(k, "serviceSubnets", "cluster.kubernetes.serviceSubnets", services);
      List<LocatedYaml> ms = c.seq(k, "cniManifests", "cluster.kubernetes.cniManifests", false);
      for (int i = 0; i < ms.size(); i++) {
        String f = "cluster.kubernetes.cniManifests[" + i + "]";
        String u = c.httpsUrl(c.scalarItem(ms.get(i), f), f);
        if (u != null) {
          manifests.add(u);
        }
      }
    }
    return new Kubernetes(endpoint, pods, services, manifests);
  }

  private List<String> nameservers(LocatedYaml.Map m) {
    List<String> nameservers = new ArrayList<>();
    List<LocatedYaml> ns = c.seq(m, "nameservers", "cluster.nameservers", true);
    for (int i = 0; i < ns.size(); i++) {
      String f = "cluster.nameservers[" + i + "]";
      String a = c.ipv6(c.scalarItem(ns.get(i), f), f);
      if (a != null) {
        if (nameservers.contains(a)) {
          c.problem(ns.get(i), f, "duplicate nameserver " + a);
        }
        nameservers.add(a);
      }
    }
    return nameservers;
  }

  private List<RegistryMirror> mirrors(LocatedYaml.Map m) {
    List<RegistryMirror> mirrors = new ArrayList<>();
    List<LocatedYaml> rm = c.seq(m, "registryMirrors", "cluster.registryMirrors", false);
    for (int i = 0; i < rm.size(); i++) {
      String f = "cluster.registryMirrors[" + i + "]";
      LocatedYaml.Map r = c.map(rm.get(i), f, Set.of("registry", "endpoint"));
      if (r == null) {
        continue;
      }
      Scalar reg = c.scalar(r, "registry", f + ".registry", true);
      String regName = reg == null ? null : "*".equals(reg.text()) ? "*"
          : c.check(reg, f + ".registry", () -> Addresses.requireDomain(f + ".registry", reg.text()));
      String ep = c.httpsUrl(c.scalar(r, "endpoint", f + ".endpoint", true), f + ".endpoint");
      if (regName != null && ep != null) {
        mirrors.add(new RegistryMirror(regName, ep));
      }
    }
    return mirrors;
  }

  private record Bgp(Speaker speaker, long asn, Optional<String> frrImage) {}

  private Bgp bgp(LocatedYaml bgpNode) {
    Speaker speaker = Speaker.BIRD2;
    long asn = NodesFile.DEFAULT_ASN;
    Optional<String> frrImage = Optional.empty();
    LocatedYaml.Map b = bgpNode == null ? null : c.map(bgpNode, "cluster.bgp", Set.of("speaker", "asn", "frrImage"));
    if (b != null) {
      Scalar sp = c.scalar(b, "speaker", "cluster.bgp.speaker", false);
      if (sp != null) {
        switch (sp.text()) {
          case "bird2" -> speaker = Speaker.BIRD2;
          case "frr" -> speaker = Speaker.FRR;
          default -> c.problem(sp, "cluster.bgp.speaker", "\"" + sp.text() + "\" is not bird2 or frr");
        }
      }
      asn = c.number(c.scalar(b, "asn", "cluster.bgp.asn", false), "cluster.bgp.asn", 1, 4294967294L,
          NodesFile.DEFAULT_ASN);
      Scalar fi = c.scalar(b, "frrImage", "cluster.bgp.frrImage", speaker == Speaker.FRR);
      if (fi != null) {
        if (IMAGE.matcher(fi.text()).matches()) {
          frrImage = Optional.of(fi.text());
        } else {
          c.problem(fi, "cluster.bgp.frrImage", "\"" + fi.text() + "\" is not an image reference");
        }
      }
    }
    return new Bgp(speaker, asn, frrImage);
  }

  /** The subnets of the cluster must not overlap one another. */
  private void noOverlaps(LocatedYaml.Map m, Ipv6Prefix bootstrap, Ipv6Prefix pool, Kubernetes k8s) {
    Map<String, Ipv6Prefix> named = new LinkedHashMap<>();
    if (bootstrap != null) {
      named.put("cluster.bootstrapPrefix", bootstrap);
    }
    if (pool != null) {
      named.put("cluster.productionPool", pool);
    }
    for (int i = 0; i < k8s.pods().size(); i++) {
      named.put("cluster.kubernetes.podSubnets[" + i + "]", k8s.pods().get(i));
    }
    for (int i = 0; i < k8s.services().size(); i++) {
      named.put("cluster.kubernetes.serviceSubnets[" + i + "]", k8s.services().get(i));
    }
    List<Map.Entry<String, Ipv6Prefix>> list = new ArrayList<>(named.entrySet());
    for (int i = 0; i < list.size(); i++) {
      for (int j = i + 1; j < list.size(); j++) {
        if (list.get(i).getValue().overlaps(list.get(j).getValue())) {
          c.problem(m, list.get(j).getKey(), list.get(j).getValue() + " overlaps "
              + list.get(i).getKey() + " " + list.get(i).getValue());
        }
      }
    }
  }

  private void prefixes(LocatedYaml.Map m, String key, String field, List<Ipv6Prefix> out) {
    List<LocatedYaml> items = c.seq(m, key, field, true);
    if (items.isEmpty() && m.entries().get(key) instanceof Seq) {
      c.problem(m.entries().get(key), field, "empty; at least one IPv6 subnet is required");
    }
    for (int i = 0; i < items.size(); i++) {
      String f = field + "[" + i + "]";
      Ipv6Prefix p = c.prefix(c.scalarItem(items.get(i), f), f, null);
      if (p != null) {
        out.add(p);
      }
    }
  }
}
