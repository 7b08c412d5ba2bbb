package nettboot.redfish.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Power acting on a real system ({@link SystemBacking}): PowerState Off means nothing runs; On
 * starts it with the boot order the override asks for (the override is read and a Once used up at
 * that start); restarts stop and start; PowerState follows the system when it stops by itself, and
 * a guest reset is a new boot. The backing's blocking work runs on workers, in order, never on the
 * BMC's event loop.
 */
final class BackedPower implements PowerControl {
  private final Vertx vertx;
  private final Context context;
  private final BmcState state;
  private final SimSettings settings;
  private final SystemBacking backing;

  BackedPower(Vertx vertx, BmcState state, SimSettings settings, SystemBacking backing) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.state = state;
    this.settings = settings;
    this.backing = backing;
    backing.onExit(guestReset -> context.runOnContext(v -> exited(guestReset)));
  }

  @Override
  public Future<Void> reset(String type) {
    String now = state.powerState;
    switch (type) {
      case "On", "ForceOn" -> {
        if (!now.equals("Off")) {
          throw new SimError(409, "Base.1.15.ActionNotSupported",
              "The server is already powered on (PowerState " + now + ").", "ResetType");
        }
        return powerOn();
      }
      case "ForceOff", "GracefulShutdown" -> {
        boolean graceful = type.equals("GracefulShutdown");
        state.powerState = "PoweringOff";
        Future<Void> off = blocking(() -> {
          backing.stop(graceful);
          return null;
        }).transform(ar -> {
          state.powerState = backing.running() ? "On" : "Off";
          return ar.failed() ? Future.failedFuture(failure("powered off", ar.cause())) : Future.succeededFuture();
        });
        // a graceful shutdown is only requested: the answer does not wait for the guest
        return graceful ? Future.succeededFuture() : off;
      }
      case "ForceRestart", "GracefulRestart", "PowerCycle" -> {
        if (!now.equals("On")) {
          throw new SimError(409, "Base.1.15.ActionNotSupported",
              "The server is not on (PowerState " + now + "); use On.", "ResetType");
        }
        boolean graceful = type.equals("GracefulRestart");
        state.powerState = "PoweringOff";
        return blocking(() -> {
          backing.stop(graceful);
          return null;
        }).transform(ar -> ar.failed()
            ? Future.failedFuture(failure("restarted", ar.cause()))
            : powerOn());
      }
      default -> throw new SimError(400, "Base.1.15.ActionParameterValueNotInList",
          "The value " + type + " for the parameter ResetType is not in the list of acceptable values.", type,
          "ResetType");
    }
  }

  /** The firmware's boot decision is taken now, at power-on: the override (and Once) goes into the boot order. */
  private Future<Void> powerOn() {
    state.powerState = "PoweringOn";
    BootRecord boot = state.boot();
    SystemBacking.FirstDevice first = boot.device().equals("Hdd")
        ? SystemBacking.FirstDevice.DISK : SystemBacking.FirstDevice.CD;
    return blocking(() -> {
      backing.start(first);
      return null;
    }).transform(ar -> {
      if (ar.failed()) {
        state.powerState = backing.running() ? "On" : "Off";
        return Future.failedFuture(failure("powered on", ar.cause()));
      }
      state.powerState = "On";
      state.inPostUntilMillis = System.currentTimeMillis() + settings.postDuration().toMillis();
      return Future.succeededFuture();
    });
  }

  /** The system stopped by itself: Off, or — a guest reset — a new boot with the override as it is now. */
  private void exited(boolean guestReset) {
    if (!state.powerState.equals("On") || backing.running()) {
      return; // a transition of ours is under way and sets the state itself
    }
    if (guestReset) {
      powerOn();
    } else {
      state.powerState = "Off";
    }
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return context.executeBlocking(work, true);
  }

  private static SimError failure(String what, Throwable cause) {
    return new SimError(500, "Base.1.15.InternalError", "The system could not be " + what + ": "
        + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
  }
}
