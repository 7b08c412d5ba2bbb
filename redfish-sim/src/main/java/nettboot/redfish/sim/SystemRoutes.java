package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** The ComputerSystem: read, boot override PATCH and the Reset action. */
final class SystemRoutes {
  private static final Set<String> BOOT_FIELDS = Set.of("BootSourceOverrideTarget", "BootSourceOverrideEnabled",
      "BootSourceOverrideMode");
  private final BmcState state;
  private final SimSettings settings;
  private final RedfishModel model;
  private final Preconditions preconditions;
  private final Tasks tasks;
  private final PowerControl power;

  SystemRoutes(BmcState state, SimSettings settings, RedfishModel model, Preconditions preconditions, Tasks tasks,
      PowerControl power) {
    this.state = state;
    this.settings = settings;
    this.model = model;
    this.preconditions = preconditions;
    this.tasks = tasks;
    this.power = power;
  }

  void get(RoutingContext ctx) {
    Responses.json(ctx, 200, model.system(state), state.systemEtag());
  }

  void patch(RoutingContext ctx) {
    preconditions.check(ctx, model.systemUri(), state.systemEtag(), () -> state.systemVersion++);
    JsonObject body = Responses.body(ctx);
    for (String k : body.fieldNames()) {
      if (!k.equals("Boot")) {
        throw new SimError(400, "Base.1.15.PropertyNotWritable", "The property " + k + " is a read only property "
            + "and cannot be assigned a value.", k);
      }
    }
    JsonObject boot = body.getJsonObject("Boot", new JsonObject());
    VendorProfile p = settings.profile();
    for (String k : boot.fieldNames()) {
      if (!BOOT_FIELDS.contains(k)) {
        throw new SimError(400, "Base.1.15.PropertyUnknown", "The property " + k + " is not in the list of valid "
            + "properties for the resource.", k);
      }
    }
    String target = boot.getString("BootSourceOverrideTarget", state.bootTarget);
    String enabled = boot.getString("BootSourceOverrideEnabled", state.bootEnabled);
    String mode = boot.getString("BootSourceOverrideMode", state.bootMode);
    inList(target, "BootSourceOverrideTarget", p.bootTargets());
    inList(enabled, "BootSourceOverrideEnabled", p.enabledValues());
    inList(mode, "BootSourceOverrideMode", List.of("Legacy", "UEFI"));
    if (p.refuseBootDuringPost() && state.inPost(System.currentTimeMillis())) {
      throw new SimError(400, p.registry() + ".UnableToModifyDuringSystemPOST", "The value for the property "
          + "cannot be changed because the server is in POST. Retry the operation once POST is complete.");
    }
    tasks.run(ctx, () -> {
      state.bootTarget = target;
      state.bootEnabled = enabled;
      state.bootMode = mode;
      state.systemVersion++;
      return Future.succeededFuture();
    });
  }

  void reset(RoutingContext ctx) {
    JsonObject body = Responses.body(ctx);
    String type = body.getString("ResetType");
    if (type == null) {
      throw new SimError(400, "Base.1.15.ActionParameterMissing", "The action Reset requires the parameter "
          + "ResetType to be present in the request body.", "Reset", "ResetType");
    }
    if (!SimPower.RESET_TYPES.contains(type)) {
      throw new SimError(400, "Base.1.15.ActionParameterValueNotInList", "The value " + type + " for the parameter "
          + "ResetType is not in the list of acceptable values.", type, "ResetType");
    }
    // checks the power state now, so a refusal is answered directly even with the task fault
    Future<Void> started = power.reset(type);
    tasks.run(ctx, () -> started);
  }

  void resetActionInfo(RoutingContext ctx) {
    Responses.json(ctx, 200, model.resetActionInfo(), null);
  }

  private static void inList(String value, String property, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new SimError(400, "Base.1.15.PropertyValueNotInList", "The value " + value + " for the property "
          + property + " is not in the list of acceptable values " + allowed + ".", value, property);
    }
  }
}
