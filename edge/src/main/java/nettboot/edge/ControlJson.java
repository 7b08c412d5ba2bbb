package nettboot.edge;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import nettboot.core.admin.AdminService;
import nettboot.core.admin.Provisioning;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineEvent;
import nettboot.core.machine.MachineState;
import nettboot.core.power.BmcRecord;
import nettboot.core.power.PowerCycle;
import nettboot.core.power.TenantSettings;

/** JSON of the power, tenant-settings, provision and event calls (contract: docs/openapi.yaml). */
final class ControlJson {
  private ControlJson() {}

  /** An optional boolean field, false when absent. */
  static boolean flag(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean bool) {
      return bool;
    }
    throw new InvalidInputException(field, "expected true or false");
  }

  static JsonObject transitioned(AdminService.Transitioned t) {
    JsonObject o = AdminJson.machine(t.machine());
    t.reboot().ifPresent(r -> o.put("reboot", reboot(r)));
    return o;
  }

  static JsonObject reboot(PowerCycle.Result r) {
    return new JsonObject().put("ok", r.ok()).put("result", r.summary());
  }

  static JsonObject provisioned(Provisioning.Outcome o) {
    JsonObject j = new JsonObject().put("machine", AdminJson.machine(o.machine()))
        .put("enrolled", o.enrolled()).put("changed", new JsonArray(List.copyOf(o.changed())));
    o.reboot().ifPresent(r -> j.put("reboot", reboot(r)));
    return j;
  }

  static JsonObject bmc(String machineId, Optional<BmcRecord> bmc) {
    JsonObject o = new JsonObject().put("machine", machineId);
    bmc.ifPresent(b -> o.put("url", b.url().toString()).put("user", b.user())
        .put("certificate", b.certificatePem()).put("password", b.credential().render())
        .put("updatedAt", b.updatedAt().toString()));
    return o;
  }

  static JsonObject tenantSettings(TenantSettings s) {
    return new JsonObject().put("tenant", s.tenant())
        .put("rescueProfile", s.rescueProfile().orElse(null))
        .put("eraseProfile", s.eraseProfile().orElse(null))
        .put("mediaUrl", s.mediaUrl().map(Object::toString).orElse(null));
  }

  static JsonObject event(MachineEvent e) {
    return new JsonObject().put("id", e.id()).put("machine", e.machine()).put("tenant", e.tenant())
        .put("version", e.entry().version())
        .put("from", e.entry().from().map(MachineState::wireName).orElse(null))
        .put("to", e.entry().to().wireName())
        .put("actor", e.entry().actor()).put("reason", e.entry().reason())
        .put("at", e.entry().at().toString());
  }

  static JsonObject events(List<MachineEvent> list, long after) {
    JsonArray a = new JsonArray();
    list.forEach(e -> a.add(event(e)));
    return new JsonObject().put("events", a)
        .put("last", list.isEmpty() ? after : list.get(list.size() - 1).id());
  }
}
