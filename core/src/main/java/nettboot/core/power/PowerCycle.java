package nettboot.core.power;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ProvisioningFlow;
import nettboot.core.store.ControlStore;
import nettboot.core.store.MachineStore;

/**
 * Power-cycles a machine through its BMC: re-asserts the tenant's virtual media and the boot
 * override and resets it ({@link ProvisioningFlow}, asynchronous on the event loop; the password
 * file is read on a worker), then records the result, success or failure, in the machine's
 * history. {@link #check} is the precondition ({@link RebootRules}) asked before any transition.
 */
public final class PowerCycle {
  /** Longest result kept in a history row. */
  static final int MAX_RESULT = 1024;

  /** The result of one power cycle, as recorded. */
  public record Result(boolean ok, String summary, Machine machine) {}

  private final MachineStore machines;
  private final ControlStore control;
  private final ProvisioningFlow flow;
  private final Vertx vertx;
  private final Function<String, String> environment;
  private final Clock clock;

  /** @param environment the server's environment variables (System::getenv) */
  public PowerCycle(MachineStore machines, ControlStore control, ProvisioningFlow flow, Vertx vertx,
      Function<String, String> environment, Clock clock) {
    this.machines = Objects.requireNonNull(machines, "machines");
    this.control = Objects.requireNonNull(control, "control");
    this.flow = Objects.requireNonNull(flow, "flow");
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.environment = Objects.requireNonNull(environment, "environment");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Fails with InvalidInputException (field "reboot") when the machine may not be rebooted into {@code state}. */
  public Future<Void> check(Machine machine, MachineState state) {
    return control.bmc(machine.key()).compose(bmc -> control.tenantSettings(machine.tenant())
        .compose(settings -> RebootRules.refusal(machine, state, bmc.isPresent(), settings)
            .<Future<Void>>map(r -> Future.failedFuture(new InvalidInputException("reboot", r)))
            .orElseGet(Future::succeededFuture)));
  }

  /** Power-cycles the machine now and records the outcome; fails only when it cannot be recorded. */
  public Future<Result> reboot(Machine machine, String actor) {
    MachineId id = MachineId.parse(machine.displayId());
    return control.bmc(machine.key())
        .compose(bmc -> bmc.isPresent() ? Future.succeededFuture(bmc.get())
            : Future.failedFuture(new NotFoundException("machine " + machine.displayId() + " has no BMC enrolled")))
        .compose(bmc -> control.tenantSettings(machine.tenant()).compose(settings -> {
          if (settings.mediaUrl().isEmpty()) {
            return Future.succeededFuture(failed("media", "tenant " + machine.tenant() + " has no media URL"));
          }
          return password(bmc).compose(
              pw -> flow.run(target(machine, bmc, pw), settings.mediaUrl().get().toString(), Mode.FULL)
                  .map(PowerCycle::outcome),
              e -> Future.succeededFuture(failed("credential", e.getMessage())));
        }))
        .compose(o -> machines.note(id, actor, o.summary(), clock.instant())
            .map(m -> new Result(o.ok(), o.summary(), m)));
  }

  private record Outcome(boolean ok, String summary) {}

  private static Outcome outcome(ProvisionReport r) {
    return new Outcome(r.ok(), oneLine((r.ok() ? "reboot: " : "reboot ") + r.summary()));
  }

  private static Outcome failed(String step, String reason) {
    return new Outcome(false, oneLine("reboot failed: step " + step + ": " + reason));
  }

  private static BmcTarget target(Machine machine, BmcRecord bmc, String password) {
    return new BmcTarget(machine.displayId(), bmc.url(), new BmcCredentials(bmc.user(), password),
        new BmcTrust.Pinned(BmcRecord.certificates(bmc.certificatePem()), "the machine's BMC record"));
  }

  /** The password: an environment variable, or the first line of a file (read on a worker). */
  private Future<String> password(BmcRecord bmc) {
    return switch (bmc.credential()) {
      case CredentialRef.Env env -> {
        String v = environment.apply(env.name());
        yield v == null || v.isEmpty()
            ? Future.failedFuture(new InvalidInputException("passwordEnv",
                "environment variable " + env.name() + " is not set on the server"))
            : Future.succeededFuture(v);
      }
      case CredentialRef.File file -> vertx.executeBlocking(() -> {
        try {
          String text = Files.readString(file.path(), StandardCharsets.UTF_8);
          String first = text.lines().findFirst().orElse("").strip();
          if (first.isEmpty()) {
            throw new InvalidInputException("passwordFile", "password file " + file.path() + " is empty");
          }
          return first;
        } catch (IOException e) {
          throw new InvalidInputException("passwordFile", "cannot read password file " + file.path()
              + " (" + e.getClass().getSimpleName() + ")");
        }
      }, false);
    };
  }

  private static String oneLine(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.length() > MAX_RESULT ? b.substring(0, MAX_RESULT) : b.toString();
  }
}
