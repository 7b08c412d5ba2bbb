package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Power transitions take {@code powerDelay}; a power-on passes through POST ({@code postDuration})
 * and then boots, where the boot override decides the device and a Once override is used up.
 */
final class SimPower implements PowerControl {
  static final List<String> RESET_TYPES = List.of("On", "ForceOff", "GracefulShutdown", "GracefulRestart",
      "ForceRestart", "PowerCycle", "ForceOn");

  private final Vertx vertx;
  private final BmcState state;
  private final SimSettings settings;

  SimPower(Vertx vertx, BmcState state, SimSettings settings) {
    this.vertx = vertx;
    this.state = state;
    this.settings = settings;
  }

  /** Validates synchronously (throws {@link SimError}); the returned work starts the transition. */
  @Override
  public Future<Void> reset(String type) {
    boolean on = state.powerState.equals("On");
    boolean off = state.powerState.equals("Off");
    switch (type) {
      case "On", "ForceOn" -> {
        if (!off) {
          throw new SimError(409, "Base.1.15.ActionNotSupported",
              "The server is already powered on (PowerState " + state.powerState + ").", "ResetType");
        }
        state.powerState = "PoweringOn";
        after(settings.powerDelay().toMillis(), this::poweredOn);
      }
      case "ForceOff", "GracefulShutdown" -> {
        state.powerState = "PoweringOff";
        after(settings.powerDelay().toMillis(), () -> state.powerState = "Off");
      }
      case "ForceRestart", "GracefulRestart", "PowerCycle" -> {
        if (!on) {
          throw new SimError(409, "Base.1.15.ActionNotSupported",
              "The server is not on (PowerState " + state.powerState + "); use On.", "ResetType");
        }
        state.powerState = "PoweringOn";
        after(settings.powerDelay().toMillis(), this::poweredOn);
      }
      default -> throw new SimError(400, "Base.1.15.ActionParameterValueNotInList",
          "The value " + type + " for the parameter ResetType is not in the list of acceptable values.", type,
          "ResetType");
    }
    return Future.succeededFuture();
  }

  private void poweredOn() {
    state.powerState = "On";
    long post = settings.postDuration().toMillis();
    state.inPostUntilMillis = System.currentTimeMillis() + post;
    after(post, state::boot);
  }

  private void after(long millis, Runnable r) {
    vertx.setTimer(Math.max(1, millis), t -> r.run());
  }
}
