package nettboot.core.redfish;

import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Is this System the node? Compares the node's UUID with the System's {@code UUID} and, when the
 * BMC lists the System's network interfaces, the node's MACs with theirs (at least one must be
 * among them). A mismatch ends the node before anything on the system is touched.
 */
final class IdentityCheck {
  private static final System.Logger LOG = System.getLogger("nettboot.redfish");
  /** interfaces read at most (a node lists at most 16 MACs) */
  static final int MAX_INTERFACES = 32;

  private final RedfishHttp http;

  IdentityCheck(RedfishHttp http) {
    this.http = http;
  }

  Future<Void> check(SystemInfo system, NodeIdentity node) {
    if (!node.check()) {
      String msg = "identity check turned off (--no-identity-check): System " + system.uri() + " UUID "
          + uuidOf(system) + " not compared with the node";
      LOG.log(Level.WARNING, "BMC " + http.bmc() + ": " + msg);
      http.report().quirk(msg);
      http.report().record("identity", system.uri(), 0, "UUID " + uuidOf(system), "not checked (--no-identity-check)");
      return Future.succeededFuture();
    }
    if (!node.known()) {
      return Future.succeededFuture();
    }
    String uuid = system.body().getValue("UUID") instanceof String u ? u.strip().toLowerCase(Locale.ROOT) : null;
    if (node.uuid() != null && uuid != null && !uuid.equals(node.uuid())) {
      throw new StepFailure("identity", "wrong machine: the node's uuid is " + node.uuid() + " but System "
          + system.uri() + " has UUID " + uuid + " (swapped BMC addresses or wrong bmc.system?); nothing touched");
    }
    if (node.uuid() != null && uuid == null) {
      http.report().quirk("System " + system.uri() + " shows no UUID: identity checked by MAC only, if listed");
    }
    return macs(system).map(listed -> {
      boolean uuidMatched = node.uuid() != null && uuid != null;
      if (!node.macs().isEmpty() && !listed.isEmpty() && node.macs().stream().noneMatch(listed::contains)) {
        throw new StepFailure("identity", "wrong machine: none of the node's MACs " + node.macs() + " is among "
            + "System " + system.uri() + "'s " + listed + "; nothing touched");
      }
      boolean macMatched = !node.macs().isEmpty() && !listed.isEmpty();
      if (!uuidMatched && !macMatched) {
        http.report().quirk("node identity not verifiable: the System shows no UUID"
            + (node.macs().isEmpty() ? "" : " and lists no MAC addresses") + "; proceeding");
      }
      http.report().record("identity", system.uri(), 200, "UUID " + (uuid == null ? "(none)" : uuid)
          + (listed.isEmpty() ? "" : ", MACs " + listed),
          (uuidMatched ? "node uuid matches" : "") + (uuidMatched && macMatched ? "; " : "")
              + (macMatched ? "a node MAC matches" : ""));
      return null;
    });
  }

  private static String uuidOf(SystemInfo s) {
    return s.body().getValue("UUID") instanceof String u ? u : "(none)";
  }

  /** The MACs of the System's EthernetInterfaces, lower case; empty when it lists none. */
  private Future<Set<String>> macs(SystemInfo system) {
    String link = Odata.link(system.body(), "EthernetInterfaces");
    if (link == null) {
      return Future.succeededFuture(Set.of());
    }
    return http.get("identity", link).compose(r -> {
      if (!r.success()) {
        return Future.succeededFuture(Set.<String>of());
      }
      List<String> members = Odata.members(r.body());
      return read(members.subList(0, Math.min(members.size(), MAX_INTERFACES)), 0, new LinkedHashSet<>());
    });
  }

  private Future<Set<String>> read(List<String> members, int i, Set<String> out) {
    if (i >= members.size()) {
      return Future.succeededFuture(out);
    }
    return http.get("identity", members.get(i)).compose(r -> {
      if (r.success()) {
        for (String k : new String[] {"MACAddress", "PermanentMACAddress"}) {
          if (r.body().getValue(k) instanceof String m && !m.isBlank()) {
            out.add(normalise(m));
          }
        }
      }
      return read(members, i + 1, out);
    });
  }

  static String normalise(String mac) {
    String hex = mac.replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT);
    if (hex.length() != 12) {
      return mac.toLowerCase(Locale.ROOT);
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 12; i += 2) {
      parts.add(hex.substring(i, i + 2));
    }
    return String.join(":", parts);
  }
}
