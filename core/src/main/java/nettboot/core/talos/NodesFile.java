package nettboot.core.talos;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.Names;
import nettboot.core.machine.Role;
import nettboot.core.pki.Addresses;
import nettboot.core.talos.Inventory.Bmc;
import nettboot.core.talos.Inventory.Cluster;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Gateway;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.PrefixChoice;
import nettboot.core.talos.Inventory.RegistryMirror;
import nettboot.core.talos.Inventory.Speaker;
import nettboot.core.talos.Inventory.Tenant;
import nettboot.core.talos.Inventory.Tor;
import nettboot.core.talos.LocatedYaml.Scalar;
import nettboot.core.talos.LocatedYaml.Seq;

/**
 * Reads and validates {@code nodes.yaml} (see {@code examples/nodes.yaml} for the documented
 * format). Validation reports every problem at once: the resulting {@link InvalidInputException}
 * has one detail line per problem, each {@code file:line:column: node NAME: field: what is wrong}.
 */
public final class NodesFile {
  /** The fields of a node's {@code bmc:} block (shared with {@code redfish provision}). */
  public static final Set<String> BMC_FIELDS = Set.of("url", "user", "userFile", "userEnv",
      "passwordFile", "passwordEnv", "certificate", "insecure", "mediaUrl");
  /** Larger than any inventory this tool is meant for. */
  static final long MAX_BYTES = 4L << 20;

  public static final long DEFAULT_ASN = 65100;

  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");
  private static final Pattern DISK = Pattern.compile("/dev/[A-Za-z0-9/._-]{1,200}");
  private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9.:/_-]{0,250}(@sha256:[0-9a-f]{64})?");
  private static final Pattern ROUTER_ID = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern CLUSTER_NAME = Names.DNS_LABEL;

  private NodesFile() {}

  /** One problem in the file. {@code node} is null outside the {@code nodes} list. */
  public record Problem(String source, int line, int column, String node, String field, String message) {
    @Override
    public String toString() {
      return source + ":" + line + ":" + column + ": " + (node == null ? "" : "node " + node + ": ")
          + (field == null ? "" : field + ": ") + message;
    }
  }

  /** Reads and validates a nodes file; errors name the file by the path given. */
  public static Inventory read(Path file) {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        throw new NotFoundException("nodes file " + file + " does not exist");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException(file.toString(), "larger than " + MAX_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /**
   * Validates {@code text}; {@code source} names it in problems.
   *
   * @throws InvalidInputException (field = source) listing every problem in {@code details()}
   */
  public static Inventory parse(String source, String text) {
    Checker c = new Checker(source);
    LocatedYaml root;
    try {
      root = LocatedYaml.parse(text);
    } catch (LocatedYaml.SyntaxError e) {
      c.problems.add(new Problem(source, e.line(), e.column(), null, null, e.getMessage()));
      throw c.failure();
    }
    if (root == null) {
      c.problems.add(new Problem(source, 1, 1, null, null, "empty file; expected cluster, tenants, nodes"));
      throw c.failure();
    }
    Inventory inv = c.inventory(root);
    if (!c.problems.isEmpty()) {
      throw c.failure();
    }
    return inv;
  }

  private static final class Checker {
    final String source;
    final List<Problem> problems = new ArrayList<>();
    String node; // the node being read, for problem lines
    // what the cluster section declared, even when another part of it was invalid
    final List<Ipv6Prefix> clusterSubnets = new ArrayList<>();
    boolean poolDeclared;
    long clusterAsn = DEFAULT_ASN;

    Checker(String source) {
      this.source = source;
    }

    InvalidInputException failure() {
      List<String> lines = problems.stream()
          .sorted((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line())
              : Integer.compare(a.column(), b.column()))
          .map(Problem::toString).toList();
      return new InvalidInputException(source, problems.size() == 1 ? "1 problem: " + lines.get(0)
          : problems.size() + " problems (listed below)", problems.size() == 1 ? List.of() : lines);
    }

    void problem(LocatedYaml at, String field, String message) {
      problems.add(new Problem(source, at == null ? 0 : at.line(), at == null ? 0 : at.column(),
          node, field, message));
    }

    /** Runs a validation that throws InvalidInputException; records its message instead. */
    <T> T check(LocatedYaml at, String field, Supplier<T> f) {
      try {
        return f.get();
      } catch (InvalidInputException e) {
        String m = e.getMessage();
        if (e.field() != null && m.startsWith(e.field() + ": ")) {
          m = m.substring(e.field().length() + 2);
        }
        problem(at, field, m);
        return null;
      }
    }

    LocatedYaml.Map map(LocatedYaml v, String field, Set<String> allowed) {
      if (!(v instanceof LocatedYaml.Map m)) {
        problem(v, field, "expected a mapping, got " + v.kind());
        return null;
      }
      for (Scalar dup : m.duplicateKeys()) {
        problem(dup, field + "." + dup.text(), "duplicate key");
      }
      for (Map.Entry<String, Scalar> k : m.keys().entrySet()) {
        if (!allowed.contains(k.getKey())) {
          problem(k.getValue(), field + "." + k.getKey(), "unknown field; expected one of "
              + allowed.stream().sorted().toList());
        }
      }
      return m;
    }

    List<LocatedYaml> seq(LocatedYaml.Map m, String key, String field, boolean required) {
      LocatedYaml v = m.entries().get(key);
      if (v == null || v instanceof LocatedYaml.Null) {
        if (required) {
          problem(v == null ? m : v, field, "missing; expected a list");
        }
        return List.of();
      }
      if (!(v instanceof Seq s)) {
        problem(v, field, "expected a list, got " + v.kind());
        return List.of();
      }
      return s.items();
    }

    /** A scalar's text, or null (with a problem when required). */
    Scalar scalar(LocatedYaml.Map m, String key, String field, boolean required) {
      LocatedYaml v = m.entries().get(key);
      if (v == null || v instanceof LocatedYaml.Null) {
        if (required) {
          problem(v == null ? m : v, field, "missing");
        }
        return null;
      }
      if (!(v instanceof Scalar s)) {
        problem(v, field, "expected a single value, got " + v.kind());
        return null;
      }
      if (s.text().isBlank()) {
        problem(v, field, "empty");
        return null;
      }
      return s;
    }

    Scalar scalarItem(LocatedYaml v, String field) {
      if (!(v instanceof Scalar s) || s.text().isBlank()) {
        problem(v, field, "expected a single value, got " + v.kind());
        return null;
      }
      return s;
    }

    Ipv6Prefix prefix(Scalar s, String field, Integer requiredLength) {
      if (s == null) {
        return null;
      }
      Ipv6Prefix p = check(s, field, () -> Ipv6Prefix.parse(field, s.text()));
      if (p != null && requiredLength != null && p.length() != requiredLength) {
        problem(s, field, p + " is a /" + p.length() + "; a /" + requiredLength + " is required here");
        return null;
      }
      if (p != null && p.isSpecialPurpose()) {
        problem(s, field, p + " is link-local, multicast, loopback or IPv4-mapped; a routable prefix is required");
        return null;
      }
      return p;
    }

    String ipv6(Scalar s, String field) {
      if (s == null) {
        return null;
      }
      byte[] b = check(s, field, () -> Addresses.requireIpv6(field, s.text()));
      return b == null ? null : Addresses.canonical(b);
    }

    long number(Scalar s, String field, long min, long max, long dflt) {
      if (s == null) {
        return dflt;
      }
      try {
        long v = Long.parseLong(s.text());
        if (v < min || v > max) {
          problem(s, field, s.text() + " is outside " + min + "-" + max);
          return dflt;
        }
        return v;
      } catch (NumberFormatException e) {
        problem(s, field, "\"" + s.text() + "\" is not a whole number");
        return dflt;
      }
    }

    /** An https URL whose host is a bracketed IPv6 literal or a DNS name, never IPv4. */
    String httpsUrl(Scalar s, String field) {
      if (s == null) {
        return null;
      }
      URI uri;
      try {
        uri = new URI(s.text());
      } catch (URISyntaxException e) {
        problem(s, field, "not a URL: \"" + s.text() + "\"");
        return null;
      }
      if (!"https".equals(uri.getScheme()) || uri.getRawAuthority() == null) {
        problem(s, field, "expected an https:// URL, got \"" + s.text() + "\"");
        return null;
      }
      String authority = uri.getRawAuthority();
      String host;
      if (authority.startsWith("[")) {
        int end = authority.indexOf(']');
        if (end < 0) {
          problem(s, field, "unterminated [IPv6] host in \"" + s.text() + "\"");
          return null;
        }
        host = authority.substring(1, end);
        if (ipv6(new Scalar(host, s.line(), s.column()), field) == null) {
          return null;
        }
      } else {
        host = authority.replaceFirst(":\\d+$", "");
        if (Addresses.ipLiteral(host).isPresent()) {
          problem(s, field, "\"" + host + "\" is an IPv4 address; this fabric is IPv6-only "
              + "(write the host as a DNS name or as [IPv6])");
          return null;
        }
        if (check(s, field, () -> Addresses.requireDomain(field, host)) == null) {
          return null;
        }
      }
      return s.text();
    }

    // ------------------------------------------------------------ the document

    Inventory inventory(LocatedYaml root) {
      LocatedYaml.Map top = map(root, "(top level)", Set.of("cluster", "tenants", "nodes", "fabric"));
      if (top == null) {
        return null;
      }
      LocatedYaml clusterNode = top.entries().get("cluster");
      Cluster cluster = null;
      if (clusterNode == null) {
        problem(top, "cluster", "missing");
      } else {
        cluster = cluster(clusterNode);
      }
      List<Tenant> tenants = new ArrayList<>();
      Map<String, LocatedYaml> tenantAt = new HashMap<>();
      List<LocatedYaml> tenantItems = seq(top, "tenants", "tenants", true);
      for (int i = 0; i < tenantItems.size(); i++) {
        String f = "tenants[" + i + "]";
        LocatedYaml.Map t = map(tenantItems.get(i), f, Set.of("name", "description"));
        if (t == null) {
          continue;
        }
        Scalar name = scalar(t, "name", f + ".name", true);
        String n = name == null ? null : check(name, f + ".name", () -> Names.requireTenant(f + ".name", name.text()));
        if (n != null) {
          if (tenantAt.containsKey(n)) {
            problem(name, f + ".name", "duplicate tenant " + n + " (first at line " + tenantAt.get(n).line() + ")");
          } else {
            tenantAt.put(n, name);
            tenants.add(new Tenant(n));
          }
        }
      }
      Inventory.Fabric fabric = fabric(top.entries().get("fabric"));
      List<Node> nodes = new ArrayList<>();
      List<LocatedYaml> nodeItems = seq(top, "nodes", "nodes", true);
      for (int i = 0; i < nodeItems.size(); i++) {
        Node n = node(nodeItems.get(i), "nodes[" + i + "]", cluster, tenantAt.keySet(), fabric);
        if (n != null) {
          nodes.add(n);
        }
        node = null;
      }
      crossCheck(nodeItems, nodes, cluster, fabric);
      if (nodes.stream().noneMatch(n -> n.role() == Role.CONTROLPLANE) && !nodeItems.isEmpty()) {
        problem(top.entries().get("nodes"), "nodes", "no controlplane node; at least one is required");
      }
      return problems.isEmpty() ? new Inventory(source, cluster, tenants, nodes, fabric) : null;
    }

    Cluster cluster(LocatedYaml v) {
      LocatedYaml.Map m = map(v, "cluster", Set.of("name", "talosVersion", "installImage",
          "kubernetes", "nameservers", "registryMirrors", "bootDomain", "bootstrapPrefix",
          "productionPool", "bgp"));
      if (m == null) {
        return null;
      }
      Scalar nameS = scalar(m, "name", "cluster.name", true);
      String name = nameS == null ? null : check(nameS, "cluster.name", () -> {
        if (!CLUSTER_NAME.matcher(nameS.text()).matches()) {
          throw new InvalidInputException("cluster.name", "\"" + nameS.text() + "\" is not a DNS label (a-z, 0-9, '-')");
        }
        return nameS.text();
      });
      Scalar versionS = scalar(m, "talosVersion", "cluster.talosVersion", true);
      String version = versionS == null ? null
          : check(versionS, "cluster.talosVersion", () -> TalosVersions.require("cluster.talosVersion", versionS.text()));
      Scalar imageS = scalar(m, "installImage", "cluster.installImage", true);
      String image = null;
      if (imageS != null) {
        if (!IMAGE.matcher(imageS.text()).matches()) {
          problem(imageS, "cluster.installImage", "\"" + imageS.text() + "\" is not an image reference (registry/path:tag)");
        } else if (version != null && !imageS.text().contains(":" + version)) {
          problem(imageS, "cluster.installImage", "the installer tag must be the cluster's Talos version " + version);
        } else {
          image = imageS.text();
        }
      }
      String endpoint = null;
      List<Ipv6Prefix> pods = new ArrayList<>();
      List<Ipv6Prefix> services = new ArrayList<>();
      List<String> manifests = new ArrayList<>();
      LocatedYaml k8sNode = m.entries().get("kubernetes");
      if (k8sNode == null) {
        problem(m, "cluster.kubernetes", "missing");
      } else {
        LocatedYaml.Map k = map(k8sNode, "cluster.kubernetes", Set.of("endpoint", "podSubnets",
            "serviceSubnets", "cniManifests"));
        if (k != null) {
          endpoint = httpsUrl(scalar(k, "endpoint", "cluster.kubernetes.endpoint", true), "cluster.kubernetes.endpoint");
          prefixes(k, "podSubnets", "cluster.kubernetes.podSubnets", pods);
          prefixes(k, "serviceSubnets", "cluster.kubernetes.serviceSubnets", services);
          List<LocatedYaml> ms = seq(k, "cniManifests", "cluster.kubernetes.cniManifests", false);
          for (int i = 0; i < ms.size(); i++) {
            String f = "cluster.kubernetes.cniManifests[" + i + "]";
            String u = httpsUrl(scalarItem(ms.get(i), f), f);
            if (u != null) {
              manifests.add(u);
            }
          }
        }
      }
      List<String> nameservers = new ArrayList<>();
      List<LocatedYaml> ns = seq(m, "nameservers", "cluster.nameservers", true);
      for (int i = 0; i < ns.size(); i++) {
        String f = "cluster.nameservers[" + i + "]";
        String a = ipv6(scalarItem(ns.get(i), f), f);
        if (a != null) {
          if (nameservers.contains(a)) {
            problem(ns.get(i), f, "duplicate nameserver " + a);
          }
          nameservers.add(a);
        }
      }
      List<RegistryMirror> mirrors = new ArrayList<>();
      List<LocatedYaml> rm = seq(m, "registryMirrors", "cluster.registryMirrors", false);
      for (int i = 0; i < rm.size(); i++) {
        String f = "cluster.registryMirrors[" + i + "]";
        LocatedYaml.Map r = map(rm.get(i), f, Set.of("registry", "endpoint"));
        if (r == null) {
          continue;
        }
        Scalar reg = scalar(r, "registry", f + ".registry", true);
        String regName = reg == null ? null : "*".equals(reg.text()) ? "*"
            : check(reg, f + ".registry", () -> Addresses.requireDomain(f + ".registry", reg.text()));
        String ep = httpsUrl(scalar(r, "endpoint", f + ".endpoint", true), f + ".endpoint");
        if (regName != null && ep != null) {
          mirrors.add(new RegistryMirror(regName, ep));
        }
      }
      Scalar domainS = scalar(m, "bootDomain", "cluster.bootDomain", true);
      String domain = domainS == null ? null
          : check(domainS, "cluster.bootDomain", () -> Addresses.requireDomain("cluster.bootDomain", domainS.text()));
      Ipv6Prefix bootstrap = prefix(scalar(m, "bootstrapPrefix", "cluster.bootstrapPrefix", true),
          "cluster.bootstrapPrefix", 64);
      Scalar poolS = scalar(m, "productionPool", "cluster.productionPool", false);
      poolDeclared = poolS != null;
      Ipv6Prefix pool = prefix(poolS, "cluster.productionPool", null);
      if (pool != null && pool.length() > 63) {
        problem(poolS, "cluster.productionPool", pool + " is too small: per-node /64s are carved from it (at most /63)");
        pool = null;
      }
      Speaker speaker = Speaker.BIRD2;
      long asn = DEFAULT_ASN;
      Optional<String> frrImage = Optional.empty();
      LocatedYaml bgpNode = m.entries().get("bgp");
      if (bgpNode != null) {
        LocatedYaml.Map b = map(bgpNode, "cluster.bgp", Set.of("speaker", "asn", "frrImage"));
        if (b != null) {
          Scalar sp = scalar(b, "speaker", "cluster.bgp.speaker", false);
          if (sp != null) {
            switch (sp.text()) {
              case "bird2" -> speaker = Speaker.BIRD2;
              case "frr" -> speaker = Speaker.FRR;
              default -> problem(sp, "cluster.bgp.speaker", "\"" + sp.text() + "\" is not bird2 or frr");
            }
          }
          asn = number(scalar(b, "asn", "cluster.bgp.asn", false), "cluster.bgp.asn", 1, 4294967294L, DEFAULT_ASN);
          Scalar fi = scalar(b, "frrImage", "cluster.bgp.frrImage", speaker == Speaker.FRR);
          if (fi != null) {
            if (IMAGE.matcher(fi.text()).matches()) {
              frrImage = Optional.of(fi.text());
            } else {
              problem(fi, "cluster.bgp.frrImage", "\"" + fi.text() + "\" is not an image reference");
            }
          }
        }
      }
      clusterAsn = asn;
      if (bootstrap != null) {
        clusterSubnets.add(bootstrap);
      }
      clusterSubnets.addAll(pods);
      clusterSubnets.addAll(services);
      // subnets of the cluster must not overlap one another
      Map<String, Ipv6Prefix> named = new LinkedHashMap<>();
      if (bootstrap != null) {
        named.put("cluster.bootstrapPrefix", bootstrap);
      }
      if (pool != null) {
        named.put("cluster.productionPool", pool);
      }
      for (int i = 0; i < pods.size(); i++) {
        named.put("cluster.kubernetes.podSubnets[" + i + "]", pods.get(i));
      }
      for (int i = 0; i < services.size(); i++) {
        named.put("cluster.kubernetes.serviceSubnets[" + i + "]", services.get(i));
      }
      List<Map.Entry<String, Ipv6Prefix>> list = new ArrayList<>(named.entrySet());
      for (int i = 0; i < list.size(); i++) {
        for (int j = i + 1; j < list.size(); j++) {
          if (list.get(i).getValue().overlaps(list.get(j).getValue())) {
            problem(m, list.get(j).getKey(), list.get(j).getValue() + " overlaps "
                + list.get(i).getKey() + " " + list.get(i).getValue());
          }
        }
      }
      if (name == null || version == null || image == null || endpoint == null || pods.isEmpty()
          || services.isEmpty() || nameservers.isEmpty() || domain == null || bootstrap == null) {
        return null;
      }
      return new Cluster(name, version, image, endpoint, pods, services, manifests, nameservers,
          mirrors, domain, bootstrap, Optional.ofNullable(pool), speaker, asn, frrImage);
    }

    void prefixes(LocatedYaml.Map m, String key, String field, List<Ipv6Prefix> out) {
      List<LocatedYaml> items = seq(m, key, field, true);
      if (items.isEmpty() && m.entries().get(key) instanceof Seq) {
        problem(m.entries().get(key), field, "empty; at least one IPv6 subnet is required");
      }
      for (int i = 0; i < items.size(); i++) {
        String f = field + "[" + i + "]";
        Ipv6Prefix p = prefix(scalarItem(items.get(i), f), f, null);
        if (p != null) {
          out.add(p);
        }
      }
    }

    Inventory.Fabric fabric(LocatedYaml v) {
      if (v == null) {
        return new Inventory.Fabric(List.of(), Optional.empty());
      }
      LocatedYaml.Map m = map(v, "fabric", Set.of("tors", "gateway"));
      if (m == null) {
        return new Inventory.Fabric(List.of(), Optional.empty());
      }
      List<Tor> tors = new ArrayList<>();
      List<LocatedYaml> items = seq(m, "tors", "fabric.tors", false);
      for (int i = 0; i < items.size(); i++) {
        String f = "fabric.tors[" + i + "]";
        LocatedYaml.Map t = map(items.get(i), f, Set.of("name", "asn", "routerId"));
        if (t == null) {
          continue;
        }
        Scalar name = scalar(t, "name", f + ".name", true);
        String n = name == null ? null : check(name, f + ".name", () -> Names.requireHostname(f + ".name", name.text()));
        long asn = number(scalar(t, "asn", f + ".asn", true), f + ".asn", 1, 4294967294L, -1);
        String rid = routerId(scalar(t, "routerId", f + ".routerId", true), f + ".routerId");
        if (n != null && tors.stream().anyMatch(x -> x.name().equals(n))) {
          problem(name, f + ".name", "duplicate ToR " + n);
        } else if (n != null && asn > 0 && rid != null) {
          tors.add(new Tor(n, asn, rid));
        }
      }
      Optional<Gateway> gateway = Optional.empty();
      LocatedYaml g = m.entries().get("gateway");
      if (g != null) {
        LocatedYaml.Map gm = map(g, "fabric.gateway", Set.of("name", "interface", "asn", "routerId"));
        if (gm != null) {
          Scalar name = scalar(gm, "name", "fabric.gateway.name", true);
          String n = name == null ? null : check(name, "fabric.gateway.name", () -> Names.requireHostname("fabric.gateway.name", name.text()));
          String iface = iface(scalar(gm, "interface", "fabric.gateway.interface", true), "fabric.gateway.interface");
          long asn = number(scalar(gm, "asn", "fabric.gateway.asn", true), "fabric.gateway.asn", 1, 4294967294L, -1);
          String rid = routerId(scalar(gm, "routerId", "fabric.gateway.routerId", true), "fabric.gateway.routerId");
          if (n != null && iface != null && asn > 0 && rid != null) {
            gateway = Optional.of(new Gateway(n, iface, asn, rid));
          }
        }
      }
      return new Inventory.Fabric(tors, gateway);
    }

    /** A BGP router id: a 32-bit identifier in dotted form (an id for FRR, not an address). */
    String routerId(Scalar s, String field) {
      if (s == null) {
        return null;
      }
      var mt = ROUTER_ID.matcher(s.text());
      if (!mt.matches() || s.text().equals("0.0.0.0")) {
        problem(s, field, "\"" + s.text() + "\" is not a 32-bit router id in dotted form (e.g. 0.0.253.233)");
        return null;
      }
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(mt.group(i)) > 255) {
          problem(s, field, "\"" + s.text() + "\" is not a 32-bit router id in dotted form");
          return null;
        }
      }
      return s.text();
    }

    String iface(Scalar s, String field) {
      if (s == null) {
        return null;
      }
      if (!IFACE.matcher(s.text()).matches()) {
        problem(s, field, "\"" + s.text() + "\" is not a Linux interface name (1-15 of A-Z a-z 0-9 . _ -)");
        return null;
      }
      return s.text();
    }

    Node node(LocatedYaml v, String f, Cluster cluster, Set<String> tenants, Inventory.Fabric fabric) {
      LocatedYaml.Map m = map(v, f, Set.of("name", "tenant", "role", "uuid", "macs", "installDisk",
          "fabric", "prefix", "asn", "bmc"));
      if (m == null) {
        return null;
      }
      Scalar nameS = scalar(m, "name", f + ".name", true);
      String name = nameS == null ? null : check(nameS, f + ".name", () -> {
        if (!Names.DNS_LABEL.matcher(nameS.text()).matches()) {
          throw new InvalidInputException(f + ".name", "\"" + nameS.text()
              + "\" is not a host name label (a-z, 0-9, '-', at most 63)");
        }
        return nameS.text();
      });
      node = name == null ? f : name;
      Scalar tenantS = scalar(m, "tenant", f + ".tenant", true);
      String tenant = null;
      if (tenantS != null) {
        if (!tenants.contains(tenantS.text())) {
          problem(tenantS, f + ".tenant", "unknown tenant \"" + tenantS.text() + "\"; tenants are "
              + tenants.stream().sorted().toList());
        } else {
          tenant = tenantS.text();
        }
      }
      Scalar roleS = scalar(m, "role", f + ".role", true);
      Role role = roleS == null ? null : check(roleS, f + ".role", () -> Role.parse(roleS.text()));
      Scalar uuidS = scalar(m, "uuid", f + ".uuid", false);
      MachineId.Uuid uuid = uuidS == null ? null : check(uuidS, f + ".uuid", () -> MachineId.parseUuid(uuidS.text()));
      List<MachineId.Mac> macs = new ArrayList<>();
      List<LocatedYaml> macItems = seq(m, "macs", f + ".macs", false);
      for (int i = 0; i < macItems.size(); i++) {
        String mf = f + ".macs[" + i + "]";
        Scalar s = scalarItem(macItems.get(i), mf);
        MachineId.Mac mac = s == null ? null : check(s, mf, () -> MachineId.parseMac(s.text()));
        if (mac != null) {
          if (macs.contains(mac)) {
            problem(s, mf, "MAC " + mac + " listed twice");
          } else {
            macs.add(mac);
          }
        }
      }
      if (uuidS == null && macItems.isEmpty()) {
        problem(m, f + ".uuid", "neither uuid nor macs given; a node needs at least one identity");
      }
      Scalar diskS = scalar(m, "installDisk", f + ".installDisk", true);
      String disk = null;
      if (diskS != null) {
        if (!DISK.matcher(diskS.text()).matches() || diskS.text().contains("..")) {
          problem(diskS, f + ".installDisk", "\"" + diskS.text() + "\" is not a device path such as /dev/nvme0n1");
        } else {
          disk = diskS.text();
        }
      }
      List<FabricLink> links = new ArrayList<>();
      List<LocatedYaml> linkItems = seq(m, "fabric", f + ".fabric", true);
      if (linkItems.isEmpty() && m.entries().get("fabric") instanceof Seq) {
        problem(m.entries().get("fabric"), f + ".fabric", "empty; a node needs at least one fabric interface for BGP");
      }
      for (int i = 0; i < linkItems.size(); i++) {
        String lf = f + ".fabric[" + i + "]";
        LocatedYaml.Map l = map(linkItems.get(i), lf, Set.of("interface", "tor", "port", "mtu"));
        if (l == null) {
          continue;
        }
        String iface = iface(scalar(l, "interface", lf + ".interface", true), lf + ".interface");
        if (iface != null && links.stream().anyMatch(x -> x.iface().equals(iface))) {
          problem(l.entries().get("interface"), lf + ".interface", "interface " + iface + " listed twice");
          continue;
        }
        if (iface != null && iface.startsWith("dummy")) {
          problem(l.entries().get("interface"), lf + ".interface", "dummy* names are reserved for the node's production address");
          continue;
        }
        Scalar torS = scalar(l, "tor", lf + ".tor", false);
        String tor = null;
        if (torS != null) {
          if (fabric.tors().stream().noneMatch(t -> t.name().equals(torS.text()))) {
            problem(torS, lf + ".tor", "unknown ToR \"" + torS.text() + "\"; fabric.tors are "
                + fabric.tors().stream().map(Tor::name).toList());
          } else {
            tor = torS.text();
          }
        }
        String port = iface(scalar(l, "port", lf + ".port", torS != null), lf + ".port");
        long mtu = number(scalar(l, "mtu", lf + ".mtu", false), lf + ".mtu", 1280, 9216, -1);
        if (iface != null && (torS == null || tor != null) && (torS == null || port != null)) {
          links.add(new FabricLink(iface, tor, port, mtu > 0 ? OptionalInt.of((int) mtu) : OptionalInt.empty()));
        }
      }
      Scalar prefixS = scalar(m, "prefix", f + ".prefix", true);
      PrefixChoice prefix = null;
      if (prefixS != null) {
        if ("allocate".equals(prefixS.text())) {
          if (!poolDeclared) {
            problem(prefixS, f + ".prefix", "\"allocate\" needs cluster.productionPool");
          } else {
            prefix = new PrefixChoice.Allocate();
          }
        } else {
          Ipv6Prefix p = prefix(prefixS, f + ".prefix", 64);
          if (p != null) {
            prefix = new PrefixChoice.Static(p);
          }
        }
      }
      long asn = number(scalar(m, "asn", f + ".asn", false), f + ".asn", 1, 4294967294L, clusterAsn);
      Optional<Bmc> bmc = Optional.empty();
      LocatedYaml bmcNode = m.entries().get("bmc");
      if (bmcNode != null) {
        // The same block 'redfish provision' reads (credentials are resolved there, from files or
        // environment variables; never inline).
        LocatedYaml.Map b = map(bmcNode, f + ".bmc", BMC_FIELDS);
        if (b != null) {
          String url = httpsUrl(scalar(b, "url", f + ".bmc.url", true), f + ".bmc.url");
          if (url != null) {
            bmc = Optional.of(new Bmc(url));
          }
        }
      }
      if (name == null || tenant == null || role == null || (uuidS != null && uuid == null)
          || macs.size() != macItems.size() || disk == null || links.size() != linkItems.size()
          || prefix == null) {
        return null;
      }
      return new Node(name, tenant, role, Optional.ofNullable(uuid), macs, disk, links, prefix, asn,
          bmc, m.line());
    }

    /** Uniqueness across nodes: names, UUIDs, MACs, static prefixes, ToR ports. */
    void crossCheck(List<LocatedYaml> items, List<Node> nodes, Cluster cluster, Inventory.Fabric fabric) {
      Map<String, String> names = new HashMap<>();
      Map<String, String> ids = new HashMap<>();
      Map<String, String> ports = new HashMap<>();
      List<Map.Entry<String, Ipv6Prefix>> prefixes = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (!(items.get(i) instanceof LocatedYaml.Map m)) {
          continue;
        }
        String f = "nodes[" + i + "]";
        Scalar nameS = m.entries().get("name") instanceof Scalar s ? s : null;
        node = nameS == null ? f : nameS.text();
        if (nameS != null) {
          String prev = names.putIfAbsent(nameS.text(), f);
          if (prev != null) {
            problem(nameS, f + ".name", "duplicate node name (also " + prev + ")");
          }
        }
        if (m.entries().get("uuid") instanceof Scalar u) {
          String canonical = u.text().toLowerCase(java.util.Locale.ROOT);
          String prev = ids.putIfAbsent("uuid " + canonical, node);
          if (prev != null) {
            problem(u, f + ".uuid", "duplicate UUID " + canonical + " (also node " + prev + ")");
          }
        }
        if (m.entries().get("macs") instanceof Seq macs) {
          for (int j = 0; j < macs.items().size(); j++) {
            if (macs.items().get(j) instanceof Scalar s) {
              MachineId.Mac mac;
              try {
                mac = MachineId.parseMac(s.text());
              } catch (InvalidInputException e) {
                continue; // reported above
              }
              String prev = ids.putIfAbsent("mac " + mac, node);
              if (prev != null && !prev.equals(node)) {
                problem(s, f + ".macs[" + j + "]", "duplicate MAC " + mac + " (also node " + prev + ")");
              }
            }
          }
        }
        if (m.entries().get("fabric") instanceof Seq links) {
          for (int j = 0; j < links.items().size(); j++) {
            if (links.items().get(j) instanceof LocatedYaml.Map l && l.entries().get("tor") instanceof Scalar t
                && l.entries().get("port") instanceof Scalar p) {
              String key = t.text() + " " + p.text();
              String prev = ports.putIfAbsent(key, node);
              if (prev != null) {
                problem(p, f + ".fabric[" + j + "].port", "ToR " + t.text() + " port " + p.text()
                    + " is already cabled to node " + prev);
              }
            }
          }
        }
        if (m.entries().get("prefix") instanceof Scalar ps && !"allocate".equals(ps.text())) {
          Ipv6Prefix p;
          try {
            p = Ipv6Prefix.parse("prefix", ps.text());
          } catch (InvalidInputException e) {
            continue; // reported above
          }
          for (Map.Entry<String, Ipv6Prefix> other : prefixes) {
            if (other.getValue().overlaps(p)) {
              problem(ps, f + ".prefix", p + (other.getValue().equals(p) ? " duplicates" : " overlaps")
                  + " the prefix of node " + other.getKey() + " " + other.getValue());
            }
          }
          for (Ipv6Prefix r : clusterSubnets) {
            if (r.overlaps(p)) {
              problem(ps, f + ".prefix", p + " overlaps cluster subnet " + r
                  + " (bootstrap, pod and service subnets are not node prefixes)");
            }
          }
          prefixes.add(Map.entry(node, p));
        }
      }
      node = null;
    }
  }
}
