package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The reset: {@code On} when the system is off, else {@code ForceRestart} (or the nearest allowed). */
final class PowerControl {
  private static final List<String> WHEN_OFF = List.of("On", "ForceOn");
  private static final List<String> WHEN_ON = List.of("ForceRestart", "PowerCycle", "GracefulRestart");

  private final RedfishHttp http;
  private final TaskMonitor tasks;

  PowerControl(RedfishHttp http, TaskMonitor tasks) {
    this.http = http;
    this.tasks = tasks;
  }

  /** Chooses the reset type for the current power state; fails when none is allowed. */
  Future<String> choose(SystemInfo now) {
    if (now.resetTarget() == null) {
      http.report().capability("power-actions", "none", "no #ComputerSystem.Reset action on " + now.uri());
      return Future.failedFuture(new StepFailure("reset", "the system has no #ComputerSystem.Reset action"));
    }
    Future<List<String>> allowed = now.resetTypes() != null || now.resetActionInfo() == null
        ? Future.succeededFuture(now.resetTypes())
        : http.get("reset", now.resetActionInfo()).map(r -> allowedFromInfo(r.body()));
    return allowed.map(types -> {
      http.report().capability("power-actions", "yes", "#ComputerSystem.Reset, ResetType "
          + (types == null ? "(AllowableValues not listed)" : types.toString()));
      boolean off = "Off".equalsIgnoreCase(now.powerState());
      List<String> wanted = off ? WHEN_OFF : WHEN_ON;
      for (String t : wanted) {
        if (types == null || types.contains(t)) {
          if (!t.equals(wanted.get(0))) {
            http.report().quirk("ResetType " + wanted.get(0) + " not allowed: " + t);
          }
          http.report().record("power-state", now.uri(), 200, "PowerState " + now.powerState(), "reset type " + t);
          return t;
        }
      }
      throw new StepFailure("reset", "no usable ResetType for PowerState " + now.powerState() + " among " + types);
    });
  }

  Future<Void> reset(SystemInfo now, String type) {
    return http.send("reset", HttpMethod.POST, now.resetTarget(), new JsonObject().put("ResetType", type), null, null)
        .compose(r -> tasks.settle("reset", r))
        .map(r -> {
          if (!r.success()) {
            throw new StepFailure("reset", "the BMC refused ResetType " + type + " (HTTP " + r.status() + "): " + r.bmcSaid());
          }
          return null;
        });
  }

  private static List<String> allowedFromInfo(JsonObject info) {
    for (Object o : info.getJsonArray("Parameters", new io.vertx.core.json.JsonArray())) {
      if (o instanceof JsonObject p && "ResetType".equals(p.getString("Name"))) {
        return Odata.strings(p, "AllowableValues");
      }
    }
    return null;
  }
}
