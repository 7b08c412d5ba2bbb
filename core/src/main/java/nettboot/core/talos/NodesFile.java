package nettboot.core.talos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.Names;
import nettboot.core.machine.Role;
import nettboot.core.machine.MachineId;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.NodeIdentity;
import nettboot.core.talos.ClusterReader.ClusterFacts;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.Tenant;
import nettboot.core.talos.LocatedYaml.Scalar;
import nettboot.core.talos.NodeReader.NodeFacts;

/**
 * Reads and validates {@code nodes.yaml} (see {@code examples/nodes.yaml} for the documented
 * format), the one inventory file of the operator. Validation reports every problem at once: the
 * resulting {@link InvalidInputException} has one detail line per problem, each {@code
 * file:line:column: node NAME: field: what is wrong}.
 *
 * <p>{@link #read} checks the whole file for {@code talos gen} and {@code fabric};
 * {@link #readBmcs} checks the node names and {@code bmc:} blocks only, with the same readers and
 * messages, and resolves the BMC credentials for {@code redfish provision}.
 */
public final class NodesFile {
  /** Larger than any inventory this tool is meant for. */
  static final long MAX_BYTES = 4L << 20;
  static final Set<String> TOP_LEVEL = Set.of("cluster", "tenants", "nodes", "fabric");

  public static final long DEFAULT_ASN = 65100;

  private NodesFile() {}

  /**
   * A node with a {@code bmc:} block, resolved; {@code mediaUrl} null means the default one;
   * {@code identity} is the node's {@code uuid} and {@code macs}, compared with the System's.
   */
  public record BmcEntry(String name, BmcTarget target, String mediaUrl, NodeIdentity identity) {}

  /** Reads and validates a nodes file; errors name the file by the path given. */
  public static Inventory read(Path file) {
    return parse(file.toString(), text(file));
  }

  /**
   * Validates {@code text}; {@code source} names it in problems.
   *
   * @throws InvalidInputException (field = source) listing every problem in {@code details()}
   */
  public static Inventory parse(String source, String text) {
    YamlChecker c = new YamlChecker(source);
    LocatedYaml.Map top = top(c, text);
    Inventory inv = top == null ? null : inventory(c, top);
    if (c.hasProblems()) {
      throw c.failure();
    }
    return inv;
  }

  /**
   * The nodes of a nodes file that have a {@code bmc:} block, with their credentials read from
   * the files (relative to the nodes file's directory) or environment variables ({@code env}) the
   * block names and their pinned certificates loaded. Only {@code nodes[].name} and {@code
   * nodes[].bmc} are required; every problem is reported at once, before any BMC is contacted.
   *
   * @throws InvalidInputException (field = the file) listing every problem in {@code details()}
   */
  public static List<BmcEntry> readBmcs(Path file, Function<String, String> env) {
    YamlChecker c = new YamlChecker(file.toString());
    LocatedYaml.Map top = top(c, text(file));
    List<BmcEntry> out = new ArrayList<>();
    Path baseDir = file.toAbsolutePath().getParent();
    Set<String> names = new HashSet<>();
    List<LocatedYaml> items = top == null ? List.of() : c.seq(top, "nodes", "nodes", true);
    for (int i = 0; i < items.size(); i++) {
      String f = "nodes[" + i + "]";
      LocatedYaml.Map m = c.map(items.get(i), f, NodeReader.FIELDS);
      String name = m == null ? null : NodeReader.name(c, m, f);
      if (name == null) {
        continue;
      }
      if (!names.add(name)) {
        c.problem(m.entries().get("name"), f + ".name", "duplicate node name");
        continue;
      }
      if (m.entries().get("bmc") == null) {
        continue; // no BMC: not provisioned over Redfish
      }
      BmcReader bmc = new BmcReader(c.about(name));
      BmcReader.Block b = bmc.read(m.entries().get("bmc"), f);
      BmcTarget target = b == null ? null : bmc.resolve(name, b, baseDir, env);
      NodeIdentity identity = identity(c.about(name), m, f);
      if (target != null) {
        out.add(new BmcEntry(name, target, b.mediaUrl(), identity));
      }
    }
    if (c.hasProblems()) {
      throw c.failure();
    }
    return out;
  }

  /** The node's uuid and macs as far as they parse (problems reported). */
  private static NodeIdentity identity(YamlChecker c, LocatedYaml.Map m, String f) {
    Scalar uuidS = c.scalar(m, "uuid", f + ".uuid", false);
    MachineId.Uuid uuid = uuidS == null ? null : c.check(uuidS, f + ".uuid", () -> MachineId.parseUuid(uuidS.text()));
    List<String> macs = new ArrayList<>();
    List<LocatedYaml> items = c.seq(m, "macs", f + ".macs", false);
    for (int k = 0; k < items.size(); k++) {
      String mf = f + ".macs[" + k + "]";
      Scalar s = c.scalarItem(items.get(k), mf);
      MachineId.Mac mac = s == null ? null : c.check(s, mf, () -> MachineId.parseMac(s.text()));
      if (mac != null) {
        macs.add(mac.toString());
      }
    }
    return new NodeIdentity(uuid == null ? null : uuid.toString(), macs, true);
  }

  private static String text(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new NotFoundException("nodes file " + file + " does not exist");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException(file.toString(), "larger than " + MAX_BYTES + " bytes");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
    }
  }

  /** The top-level mapping, or null after a problem (syntax error, empty file, not a mapping). */
  private static LocatedYaml.Map top(YamlChecker c, String text) {
    LocatedYaml root;
    try {
      root = LocatedYaml.parse(text);
    } catch (LocatedYaml.SyntaxError e) {
      c.problemAt(e.line(), e.column(), e.getMessage());
      return null;
    }
    if (root == null) {
      c.problemAt(1, 1, "empty file; expected cluster, tenants, nodes");
      return null;
    }
    return c.map(root, "(top level)", TOP_LEVEL);
  }

  private static Inventory inventory(YamlChecker c, LocatedYaml.Map top) {
    LocatedYaml clusterNode = top.entries().get("cluster");
    ClusterFacts cluster = ClusterFacts.NONE;
    if (clusterNode == null) {
      c.problem(top, "cluster", "missing");
    } else {
      cluster = new ClusterReader(c).read(clusterNode);
    }
    List<Tenant> tenants = tenants(c, top);
    Inventory.Fabric fabric = new FabricReader(c).read(top.entries().get("fabric"));
    NodeReader reader = new NodeReader(c, cluster,
        Set.copyOf(tenants.stream().map(Tenant::name).toList()), fabric);
    List<NodeFacts> facts = new ArrayList<>();
    List<LocatedYaml> nodeItems = c.seq(top, "nodes", "nodes", true);
    for (int i = 0; i < nodeItems.size(); i++) {
      NodeFacts n = reader.read(nodeItems.get(i), "nodes[" + i + "]");
      if (n != null) {
        facts.add(n);
      }
    }
    CrossChecks.check(c, facts, cluster.subnets());
    List<Node> nodes = facts.stream().flatMap(n -> n.node().stream()).toList();
    if (nodes.stream().noneMatch(n -> n.role() == Role.CONTROLPLANE) && !nodeItems.isEmpty()) {
      c.problem(top.entries().get("nodes"), "nodes", "no controlplane node; at least one is required");
    }
    return c.hasProblems() ? null : new Inventory(c.source, cluster.cluster(), tenants, nodes, fabric);
  }

  private static List<Tenant> tenants(YamlChecker c, LocatedYaml.Map top) {
    List<Tenant> tenants = new ArrayList<>();
    Map<String, LocatedYaml> tenantAt = new HashMap<>();
    List<LocatedYaml> items = c.seq(top, "tenants", "tenants", true);
    for (int i = 0; i < items.size(); i++) {
      String f = "tenants[" + i + "]";
      LocatedYaml.Map t = c.map(items.get(i), f, Set.of("name", "description"));
      if (t == null) {
        continue;
      }
      Scalar name = c.scalar(t, "name", f + ".name", true);
      String n = name == null ? null : c.check(name, f + ".name", () -> Names.requireTenant(f + ".name", name.text()));
      if (n != null) {
        if (tenantAt.containsKey(n)) {
          c.problem(name, f + ".name", "duplicate tenant " + n + " (first at line " + tenantAt.get(n).line() + ")");
        } else {
          tenantAt.put(n, name);
          tenants.add(new Tenant(n));
        }
      }
    }
    return tenants;
  }
}
