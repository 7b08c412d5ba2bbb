package nettboot.core.admin;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Role;
import nettboot.core.power.PowerCycle;

/**
 * Maskin's one call: enrol the machine or update it, store its config, put it in a state that
 * netboots an install and (optionally) power-cycle it. Each step is skipped when it would change
 * nothing, so the call is idempotent: a second identical call changes nothing (and reboots only
 * when asked again). A machine that already installs (New, Provisioning, Reprovision) stays in its
 * state; an installed one (Active, Failed, Maintenance) moves to Reprovision, which wipes first.
 */
public final class Provisioning {

  /** What the caller asks for. {@code tenant} is needed only to enrol. */
  public record Request(MachineId id, String tenant, String role, String profile, String config,
      boolean reboot) {
    public Request {
      if (role == null) {
        throw new InvalidInputException("role", "missing; expected controlplane or worker");
      }
      Role.parse(role);
    }
  }

  /** What the call did: the machine, whether it was enrolled, what changed, the power cycle. */
  public record Outcome(Machine machine, boolean enrolled, List<String> changed,
      Optional<PowerCycle.Result> reboot) {
    public Outcome {
      changed = List.copyOf(changed);
    }
  }

  /** The reason recorded in the history for the provision call's transition. */
  static final String REASON = "provision request";

  private final AdminService admin;

  Provisioning(AdminService admin) {
    this.admin = admin;
  }

  Future<Outcome> provision(Request r, String actor) {
    List<String> changed = new ArrayList<>();
    return admin.find(r.id())
        .compose(found -> found.isPresent() ? update(found.get(), r, changed)
            : enrol(r, actor, changed))
        .compose(m -> r.config() == null ? Future.succeededFuture(m) : admin.config(r.id())
            .map(Optional::of).otherwise(Optional.empty())
            .compose(stored -> stored.isPresent() && stored.get().equals(r.config())
                ? Future.succeededFuture(m)
                : admin.putConfig(r.id(), r.config()).map(c -> {
                  changed.add("config");
                  return m;
                })))
        .compose(m -> {
          MachineState target = target(m.state());
          if (!r.reboot()) {
            return moveTo(m, target, actor, changed).map(x -> new Outcome(x, changed.contains("enrolled"),
                changed, Optional.empty()));
          }
          return admin.power().compose(p -> p.check(m, target)
              .compose(v -> moveTo(m, target, actor, changed))
              .compose(x -> p.reboot(x, actor))
              .map(res -> {
                changed.add("rebooted");
                return new Outcome(res.machine(), changed.contains("enrolled"), changed,
                    Optional.of(res));
              }));
        });
  }

  /** The state a provisioned machine is put in: one that netboots an install. */
  static MachineState target(MachineState now) {
    return switch (now) {
      case NEW, PROVISIONING, REPROVISION -> now;
      case ACTIVE, FAILED, MAINTENANCE -> MachineState.REPROVISION;
      case DECOMMISSION, DECOMMISSIONED -> throw new ConflictException(
          "machine is " + now + ": it is being retired and cannot be provisioned");
    };
  }

  private Future<Machine> moveTo(Machine m, MachineState target, String actor, List<String> changed) {
    if (m.state() == target) {
      return Future.succeededFuture(m);
    }
    changed.add("state");
    return admin.transition(MachineId.parse(m.displayId()), target, OptionalLong.empty(), actor, REASON);
  }

  private Future<Machine> enrol(Request r, String actor, List<String> changed) {
    if (r.tenant() == null) {
      return Future.failedFuture(new InvalidInputException("tenant",
          "missing; needed to enrol machine " + r.id().value()));
    }
    Enrollment e = switch (r.id()) {
      case MachineId.Uuid u -> Enrollment.of(u.value(), List.of(), r.tenant(), r.role(), null, r.profile());
      case MachineId.Mac mac -> Enrollment.of(null, List.of(mac.value()), r.tenant(), r.role(), null,
          r.profile());
    };
    changed.add("enrolled");
    return admin.enroll(e, actor);
  }

  private Future<Machine> update(Machine m, Request r, List<String> changed) {
    if (r.tenant() != null && !r.tenant().equals(m.tenant())) {
      return Future.failedFuture(new ConflictException("machine " + r.id().value()
          + " is enrolled for another tenant"));
    }
    if (Role.parse(r.role()) != m.role()) {
      return Future.failedFuture(new ConflictException("machine " + r.id().value() + " is enrolled as "
          + m.role() + "; a role change is a new enrolment"));
    }
    if (r.profile() == null || r.profile().equals(m.profile())) {
      return Future.succeededFuture(m);
    }
    changed.add("profile");
    return admin.setProfile(r.id(), r.profile(), OptionalLong.empty());
  }
}
