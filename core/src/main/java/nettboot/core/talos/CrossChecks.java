package nettboot.core.talos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.MachineId;
import nettboot.core.talos.NodeReader.Cable;
import nettboot.core.talos.NodeReader.Located;
import nettboot.core.talos.NodeReader.NodeFacts;

/**
 * Uniqueness across nodes, on the values each node entry declared validly: names, UUIDs, MACs,
 * ToR ports, and static prefixes (which also must not overlap the cluster's own subnets).
 */
final class CrossChecks {
  private CrossChecks() {}

  static void check(YamlChecker file, List<NodeFacts> nodes, List<Ipv6Prefix> clusterSubnets) {
    Map<String, String> names = new HashMap<>();
    Map<MachineId, String> ids = new HashMap<>();
    Map<Cable, String> cables = new HashMap<>();
    List<Map.Entry<String, Ipv6Prefix>> prefixes = new ArrayList<>(); // node, its static prefix
    for (NodeFacts n : nodes) {
      YamlChecker c = file.about(n.label());
      n.name().ifPresent(name -> {
        String prev = names.putIfAbsent(name.value(), n.field());
        if (prev != null) {
          c.problem(name.at(), name.field(), "duplicate node name (also " + prev + ")");
        }
      });
      n.uuid().ifPresent(u -> {
        String prev = ids.putIfAbsent(u.value(), n.label());
        if (prev != null) {
          c.problem(u.at(), u.field(), "duplicate UUID " + u.value() + " (also node " + prev + ")");
        }
      });
      for (Located<MachineId.Mac> mac : n.macs()) {
        String prev = ids.putIfAbsent(mac.value(), n.label());
        if (prev != null) {
          c.problem(mac.at(), mac.field(), "duplicate MAC " + mac.value() + " (also node " + prev + ")");
        }
      }
      for (Located<Cable> cable : n.cables()) {
        String prev = cables.putIfAbsent(cable.value(), n.label());
        if (prev != null) {
          c.problem(cable.at(), cable.field(), "ToR " + cable.value().tor() + " port " + cable.value().port()
              + " is already cabled to node " + prev);
        }
      }
      n.staticPrefix().ifPresent(p -> {
        for (Map.Entry<String, Ipv6Prefix> other : prefixes) {
          if (other.getValue().overlaps(p.value())) {
            c.problem(p.at(), p.field(), p.value() + (other.getValue().equals(p.value()) ? " duplicates" : " overlaps")
                + " the prefix of node " + other.getKey() + " " + other.getValue());
          }
        }
        for (Ipv6Prefix r : clusterSubnets) {
          if (r.overlaps(p.value())) {
            c.problem(p.at(), p.field(), p.value() + " overlaps cluster subnet " + r
                + " (bootstrap, pod and service subnets are not node prefixes)");
          }
        }
        prefixes.add(Map.entry(n.label(), p.value()));
      });
    }
  }
}
