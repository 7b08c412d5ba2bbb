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

  Future<SystemInfo> system(String systemsUri) {
    return http.get("systems", systemsUri).compose(r -> {
      require(r, "systems", systemsUri);
      List<String> members = Odata.members(r.body());
      if (members.isEmpty()) {
        throw new StepFailure("systems", "the Systems collection is empty");
      }
      if (members.size() > 1) {
        http.report().quirk(members.size() + " systems behind this BMC: using " + members.get(0));
      }
      return readSystem(members.get(0));
    });
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
        throw new StepFailure("media-slot", "no CD/DVD-capable virtual media slot (looked at "
            + String.join(", ", looked) + ")");
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
      throw new StepFailure(step, "credentials rejected (HTTP " + r.status() + ") reading " + uri);
    }
    if (!r.success()) {
      throw new StepFailure(step, "cannot read " + uri + " (HTTP " + r.status() + ")"
          + (r.bmcSaid().isEmpty() ? "" : ": " + r.bmcSaid()));
    }
  }

}
