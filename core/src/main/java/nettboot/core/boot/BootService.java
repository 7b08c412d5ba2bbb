package nettboot.core.boot;

import io.vertx.core.Future;
import java.util.Objects;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import nettboot.core.delivery.InstallArguments;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.power.TenantSettings;
import nettboot.core.store.ConflictRetry;
import nettboot.core.store.MachineStore;

/**
 * The boot answer, whole: looks the machine up within the requesting tenant, decides
 * ({@link BootDecider}, pure), records what the decision requires before it is served (the
 * one-shot wipe, or New → Provisioning, each with the machine's version as the optimistic
 * check), adds the Talos config arguments of an install boot ({@link InstallArguments}) and
 * renders the script ({@link IpxeScript}). When another boot of the same machine or an operator
 * changed the machine meanwhile, it decides again on the fresh record ({@link ConflictRetry}).
 */
public final class BootService {
  /** The history actor of transitions the boot path makes itself. */
  public static final String SYSTEM_ACTOR = "system:boot-listener";

  private final MachineStore machines;
  private final Function<String, Future<TenantSettings>> tenantSettings;
  private final InstallArguments installArguments;
  private final Clock clock;

  /** Without tenant settings: no tenant has a rescue or erase profile. */
  public BootService(MachineStore machines, InstallArguments installArguments, Clock clock) {
    this(machines, t -> Future.succeededFuture(TenantSettings.none(t)), installArguments, clock);
  }

  /**
   * @param tenantSettings a tenant's settings (its rescue and erase profiles), read only for
   *     machines in Maintenance or Decommission
   * @param installArguments what an install boot's kernel line gets for its Talos config
   */
  public BootService(MachineStore machines, Function<String, Future<TenantSettings>> tenantSettings,
      InstallArguments installArguments, Clock clock) {
    this.machines = machines;
    this.tenantSettings = Objects.requireNonNull(tenantSettings, "tenantSettings");
    this.installArguments = Objects.requireNonNull(installArguments, "installArguments");
    this.clock = clock;
  }

  /**
   * The answer for {@code id} asked by a medium of {@code tenant}, served from {@code bootBase}
   * ({@code https://host[:port]}, the address the request arrived on).
   */
  public Future<BootAnswer> answer(String tenant, MachineId id, String bootBase) {
    return ConflictRetry.retry(() -> answerOnce(tenant, id, bootBase));
  }

  private Future<BootAnswer> answerOnce(String tenant, MachineId id, String bootBase) {
    return machines.findForTenant(tenant, id).compose(found -> {
      if (found.isEmpty()) {
        return notFound(tenant, id);
      }
      Machine m = found.get();
      return profiles(m).compose(p -> serve(id, m, BootDecider.decide(m, p), bootBase));
    });
  }

  /** The profiles the machine's state may use: install, or the tenant's rescue or erase profile. */
  private Future<BootProfiles> profiles(Machine m) {
    Future<Optional<BootProfile>> install = profile(m.profile());
    boolean tenantProfile = m.state() == MachineState.MAINTENANCE
        || (m.state() == MachineState.DECOMMISSION && !m.wipeServed());
    if (!tenantProfile) {
      return install.map(BootProfiles::installOnly);
    }
    return install.compose(i -> tenantSettings.apply(m.tenant()).compose(t -> m.state()
        == MachineState.MAINTENANCE
        ? profile(t.rescueProfile().orElse(null)).map(r -> new BootProfiles(i, r, Optional.empty()))
        : profile(t.eraseProfile().orElse(null)).map(e -> new BootProfiles(i, Optional.empty(), e))));
  }

  private Future<Optional<BootProfile>> profile(String name) {
    return name == null ? Future.succeededFuture(Optional.empty()) : machines.profile(name);
  }

  private Future<BootAnswer> serve(MachineId id, Machine m, BootDecision d, String bootBase) {
    return switch (d) {
      case BootDecision.Localboot l -> Future.succeededFuture(new BootAnswer.Localboot(l.reason()));
      case BootDecision.PowerOff off ->
          Future.succeededFuture(new BootAnswer.Script("poweroff", IpxeScript.powerOff(m, off.reason())));
      case BootDecision.Refused r ->
          Future.succeededFuture(new BootAnswer.Script("refused", IpxeScript.refused(m, r.reason())));
      case BootDecision.Netboot n -> record(id, m, n)
          .compose(recorded -> withConfig(recorded, n, bootBase))
          .map(full -> new BootAnswer.Script(n.purpose().name().toLowerCase(Locale.ROOT),
              IpxeScript.netboot(m, full, bootBase)));
    };
  }

  /** What must be stored before the netboot is served; the machine as it is once stored. */
  private Future<Machine> record(MachineId id, Machine m, BootDecision.Netboot n) {
    if (n.markWipeServed()) {
      // The one-shot wipe is recorded before it is served.
      return machines.markWipeServed(m.key(), m.version(), clock.instant());
    }
    if (n.startsProvisioning()) {
      return machines.transition(id, MachineState.PROVISIONING,
          OptionalLong.of(m.version()), SYSTEM_ACTOR, "first install boot: netboot script served",
          clock.instant());
    }
    return Future.succeededFuture(m);
  }

  private Future<BootDecision.Netboot> withConfig(Machine m, BootDecision.Netboot n, String bootBase) {
    if (n.purpose() != BootDecision.Purpose.INSTALL) {
      return Future.succeededFuture(n);
    }
    return installArguments.forInstallBoot(m, bootBase).map(n::withArguments);
  }

  /**
   * Unknown to this tenant. Whether another tenant owns the id is looked up for the operator's log
   * only; a failed lookup counts as unknown.
   */
  private Future<BootAnswer> notFound(String tenant, MachineId id) {
    return machines.find(id)
        .map(other -> other.filter(o -> !o.tenant().equals(tenant)).map(Machine::tenant))
        .otherwise(Optional.empty())
        .map(BootAnswer.NotFound::new);
  }
}
