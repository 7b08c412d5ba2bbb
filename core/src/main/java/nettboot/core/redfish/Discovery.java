package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Finds the system, its reset action and a CD/DVD virtual-media slot (System first, then Manager). */
final class Discovery {
  private final RedfishHttp http;

  Discovery(RedfishHttp http) {
    this.http = http;
  }

  /**
   * The system this run is about: the one {@code selector} names (Id or {@code @odata.id}), else
   * the only one. Several and no selector: a failure listing them, except when only discovering
   * (then the first, noted).
   */
  Future<SystemInfo> system(String systemsUri, String selector, Mode mode) {
    return http.get("systems", systemsUri).compose(r -> {
      require(r, "systems", systemsUri);
      List<String> members = Odata.members(r.body());
      http.report().systems(members);
      if (members.isEmpty()) {
        throw new StepFailure("systems", "the Systems collection is empty");
      }
      String chosen;
      if (selector != null) {
        chosen = select(members, selector);
        if (chosen == null) {
          throw new StepFailure("systems", "no system " + selector + " behind this BMC; it lists "
              + String.join(", ", members));
        }
      } else if (members.size() > 1 && mode != Mode.DISCOVER) {
        throw new StepFailure("systems", members.size() + " systems behind this BMC and no bmc.system chosen: "
            + String.join(", ", members) + "; set bmc.system to the Id or @odata.id of this node's system");
      } else {
        chosen = members.get(0);
        if (members.size() > 1) {
          http.report().quirk(members.size() + " systems behind this BMC and none chosen: read " + chosen
              + " (provisioning needs bmc.system)");
        }
      }
      return readSystem(chosen).map(s -> {
        JsonObject b = s.body();
        http.report().fact("system", chosen);
        http.report().fact("systemUuid", b.getValue("UUID") instanceof String u ? u : null);
        http.report().fact("systemSerial", b.getValue("SerialNumber") instanceof String n ? n : null);
        String make = (b.getValue("Manufacturer") instanceof String m ? m : "") + " "
            + (b.getValue("Model") instanceof String m ? m : "");
        http.report().fact("systemModel", make.isBlank() ? null : make.strip());
        return s;
      });
    });
  }

  /** The member named by an {@code @odata.id} or, failing that, by its last segment (the Id). */
  static String select(List<String> members, String selector) {
    String want = trimSlash(selector);
    for (String m : members) {
      if (trimSlash(Odata.path(m)).equals(want)) {
        return m;
      }
    }
    for (String m : members) {
      String p = trimSlash(Odata.path(m));
      if (p.substring(p.lastIndexOf('/') + 1).equals(want)) {
        return m;
      }
    }
    return null;
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The Manager's model and firmware, for the report; never fails the run. */
  Future<Void> managerFacts(String managersUri, SystemInfo system) {
    Future<List<String>> listed = managers(managersUri);
    return listed.compose(all -> {
      http.report().managers(all);
      String managedBy = null;
      JsonObject links = system.body().getJsonObject("Links");
      if (links != null && links.getValue("ManagedBy") instanceof io.vertx.core.json.JsonArray a && !a.isEmpty()
          && a.getValue(0) instanceof JsonObject j && j.getValue("@odata.id") instanceof String s) {
        managedBy = s;
      }
      String manager = managedBy != null ? managedBy : all.isEmpty() ? null : all.get(0);
      if (manager == null) {
        return Future.<Void>succeededFuture();
      }
      return http.get("identity", manager).map(r -> {
        if (r.success()) {
          http.report().fact("managerModel", r.body().getValue("Model") instanceof String m ? m : null);
          http.report().fact("firmwareVersion",
              r.body().getValue("FirmwareVersion") instanceof String f ? f : null);
        }
        return (Void) null;
      });
    }).otherwiseEmpty();
  }

  Future<SystemInfo> readSystem(String uri) {
    return http.get("systems", uri).map(r -> {
      require(r, "systems", uri);
      return SystemInfo.of(uri, r);
    });
  }

  /** The first CD/DVD-capable slot under the system, else under each manager. */
  Future<MediaSlot> cdSlot(SystemInfo system, String managersUri) {
    List<String> looked = new ArrayList<>();
    Future<MediaSlot> underSystem = system.virtualMedia() == null
        ? Future.succeededFuture(null)
        : slotIn(system.virtualMedia(), "Systems", looked);
    return underSystem.compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      if (system.virtualMedia() == null) {
        looked.add(system.uri() + " (no VirtualMedia link)");
      }
      return managers(managersUri).compose(managers -> firstInManagers(managers, 0, looked));
    }).map(slot -> {
      if (slot == null) {
        http.report().capability("virtual-media", "none", "no CD/DVD-capable slot");
        throw new StepFailure("media-slot", "no CD/DVD-capable virtual media slot (looked at "
            + String.join(", ", looked) + ")");
      }
      if (slot.insertAction() != null) {
        http.report().capability("virtual-media", "action", "#VirtualMedia.InsertMedia on " + slot.uri());
      } else {
        http.report().capability("virtual-media", "patch", "no InsertMedia action on " + slot.uri()
            + ": PATCH of Image/Inserted (with If-Match)");
      }
      http.report().record("media-slot", slot.uri(), 200, "MediaTypes " + slot.mediaTypes(),
          "slot under " + slot.under() + (slot.insertAction() == null ? "; no InsertMedia action" : ""));
      return slot;
    });
  }

  private Future<List<String>> managers(String managersUri) {
    if (managersUri == null) {
      return Future.succeededFuture(List.of());
    }
    return http.get("managers", managersUri).map(r -> r.success() ? Odata.members(r.body()) : List.of());
  }

  private Future<MediaSlot> firstInManagers(List<String> managers, int i, List<String> looked) {
    if (i >= managers.size()) {
      return Future.succeededFuture(null);
    }
    return http.get("managers", managers.get(i)).compose(r -> {
      String vm = r.success() ? Odata.link(r.body(), "VirtualMedia") : null;
      if (vm == null) {
        looked.add(managers.get(i) + " (no VirtualMedia link)");
        return firstInManagers(managers, i + 1, looked);
      }
      return slotIn(vm, "Managers", looked)
          .compose(s -> s != null ? Future.succeededFuture(s) : firstInManagers(managers, i + 1, looked));
    });
  }

  private Future<MediaSlot> slotIn(String collection, String under, List<String> looked) {
    return http.get("media-slot", collection).compose(r -> {
      if (!r.success()) {
        looked.add(collection + " (HTTP " + r.status() + ")");
        return Future.succeededFuture(null);
      }
      return firstCd(Odata.members(r.body()), 0, under, collection, looked);
    });
  }

  private Future<MediaSlot> firstCd(List<String> slots, int i, String under, String collection, List<String> looked) {
    if (i >= slots.size()) {
      looked.add(collection + " (" + slots.size() + " slots, none CD/DVD)");
      return Future.succeededFuture(null);
    }
    return readSlot(slots.get(i), under).compose(s -> s != null && s.cdCapable()
        ? Future.succeededFuture(s)
        : firstCd(slots, i + 1, under, collection, looked));
  }

  Future<MediaSlot> readSlot(String uri, String under) {
    return http.get("media-slot", uri).map(r -> r.success() ? MediaSlot.of(uri, under, r) : null);
  }

  static void require(RedfishResponse r, String step, String uri) {
    if (r.status() == 401 || r.status() == 403) {
      throw new StepFailure(step, "credentials rejected (HTTP " + r.status() + ") reading " + uri
          + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
    }
    if (!r.success()) {
      throw new StepFailure(step, "cannot read " + uri + " (HTTP " + r.status() + ")"
          + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
    }
  }

}
