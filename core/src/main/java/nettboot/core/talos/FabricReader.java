package nettboot.core.talos;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nettboot.core.machine.Names;
import nettboot.core.talos.Inventory.Gateway;
import nettboot.core.talos.Inventory.Tor;
import nettboot.core.talos.LocatedYaml.Scalar;

/** Reads the optional {@code fabric:} section of a nodes file: the ToRs and the lab gateway. */
final class FabricReader {
  private final YamlChecker c;

  FabricReader(YamlChecker c) {
    this.c = c;
  }

  Inventory.Fabric read(LocatedYaml v) {
    if (v == null) {
      return new Inventory.Fabric(List.of(), Optional.empty());
    }
    LocatedYaml.Map m = c.map(v, "fabric", Set.of("tors", "gateway"));
    if (m == null) {
      return new Inventory.Fabric(List.of(), Optional.empty());
    }
    List<Tor> tors = new ArrayList<>();
    List<LocatedYaml> items = c.seq(m, "tors", "fabric.tors", false);
    for (int i = 0; i < items.size(); i++) {
      String f = "fabric.tors[" + i + "]";
      LocatedYaml.Map t = c.map(items.get(i), f, Set.of("name", "asn", "routerId"));
      if (t == null) {
        continue;
      }
      Scalar name = c.scalar(t, "name", f + ".name", true);
      String n = name == null ? null : c.check(name, f + ".name", () -> Names.requireHostname(f + ".name", name.text()));
      long asn = c.number(c.scalar(t, "asn", f + ".asn", true), f + ".asn", 1, 4294967294L, -1);
      String rid = c.routerId(c.scalar(t, "routerId", f + ".routerId", true), f + ".routerId");
      if (n != null && tors.stream().anyMatch(x -> x.name().equals(n))) {
        c.problem(name, f + ".name", "duplicate ToR " + n);
      } else if (n != null && asn > 0 && rid != null) {
        tors.add(new Tor(n, asn, rid));
      }
    }
    Optional<Gateway> gateway = Optional.empty();
    LocatedYaml g = m.entries().get("gateway");
    if (g != null) {
      LocatedYaml.Map gm = c.map(g, "fabric.gateway", Set.of("name", "interface", "asn", "routerId"));
      if (gm != null) {
        Scalar name = c.scalar(gm, "name", "fabric.gateway.name", true);
        String n = name == null ? null : c.check(name, "fabric.gateway.name", () -> Names.requireHostname("fabric.gateway.name", name.text()));
        String iface = c.iface(c.scalar(gm, "interface", "fabric.gateway.interface", true), "fabric.gateway.interface");
        long asn = c.number(c.scalar(gm, "asn", "fabric.gateway.asn", true), "fabric.gateway.asn", 1, 4294967294L, -1);
        String rid = c.routerId(c.scalar(gm, "routerId", "fabric.gateway.routerId", true), "fabric.gateway.routerId");
        if (n != null && iface != null && asn > 0 && rid != null) {
          gateway = Optional.of(new Gateway(n, iface, asn, rid));
        }
      }
    }
    return new Inventory.Fabric(tors, gateway);
  }
}
