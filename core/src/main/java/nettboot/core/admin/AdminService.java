package nettboot.core.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Names;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.ControlStore;
import nettboot.core.machine.MachineEvent;
import nettboot.core.power.BmcRecord;
import nettboot.core.power.CredentialRef;
import nettboot.core.power.PowerCycle;
import nettboot.core.power.TenantSettings;
import java.util.Set;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.ConfigValidator;

/**
 * The rules of the admin API, whatever carries it: machines are looked up or NotFound, a
 * transition's reason is one line, a profile's kernel and initrd must have been uploaded, a
 * machine config must validate against the Talos schema (checked on a worker: parsing and schema
 * validation are CPU work) and is stored with its SHA-256. Inputs arrive parsed; the actor is the
 * caller's certificate subject.
 */
public final class AdminService {
  /** The longest transition reason kept in the history. */
  public static final int MAX_REASON = 1024;

  private final MachineStore machines;
  private final ConfigStore configs;
  /** null in services built without power control: BMC, tenant and event calls are NotFound */
  private final ControlStore control;
  private final PowerCycle power;
  private final Supplier<ConfigValidator> loadValidator;
  /** Made once, on the first config upload; guarded by this. */
  private Future<ConfigValidator> validator;
  private final Vertx vertx;
  private final Clock clock;

  /**
   * @param configs null when config delivery is off: config calls are NotFound
   * @param loadValidator makes the Talos schema validator (blocking, about a second or two): called
   *     once, on a worker, when the first config is uploaded
   */
  public AdminService(MachineStore machines, ConfigStore configs, Supplier<ConfigValidator> loadValidator,
      Vertx vertx, Clock clock) {
    this(machines, configs, null, null, loadValidator, vertx, clock);
  }

  /**
   * @param control BMC records, tenant settings, the event feed
   * @param power power cycles through BMCs
   */
  public AdminService(MachineStore machines, ConfigStore configs, ControlStore control,
      PowerCycle power, Supplier<ConfigValidator> loadValidator, Vertx vertx, Clock clock) {
    this.machines = machines;
    this.control = control;
    this.power = power;
    this.configs = Objects.requireNonNull(configs, "configs");
    this.loadValidator = loadValidator;
    this.vertx = vertx;
    this.clock = clock;
  }

  // ---- machines ----

  public Future<Machine> enroll(Enrollment enrollment, String actor) {
    return machines.enroll(enrollment, actor, clock.instant());
  }

  public Future<List<Machine>> machines(Optional<String> tenant) {
    return machines.list(tenant);
  }

  /** The machine, or NotFound. */
  public Future<Machine> machine(MachineId id) {
    return machines.find(id).compose(m -> m.isPresent()
        ? Future.succeededFuture(m.get())
        : Future.failedFuture(new NotFoundException("no machine " + id.value())));
  }

  /** A lifecycle transition; {@code reason} ("" for none) must be one line of printable text. */
  public Future<Machine> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason) {
    try {
      requireLine("reason", reason, MAX_REASON);
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    return machines.transition(id, to, expectedVersion, actor, reason, clock.instant());
  }

  /** The machine after a transition, and the power cycle's result when one was asked for. */
  public record Transitioned(Machine machine, Optional<PowerCycle.Result> reboot) {}

  /**
   * A lifecycle transition, then (with {@code reboot}) a power cycle through the machine's BMC.
   * Whether the reboot is possible (BMC, media URL, the profile the new state boots) is checked
   * before the transition; the power cycle's result, success or failure, is in the history.
   */
  public Future<Transitioned> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason, boolean reboot) {
    if (!reboot) {
      return transition(id, to, expectedVersion, actor, reason)
          .map(m -> new Transitioned(m, Optional.empty()));
    }
    return requirePower().compose(p -> machine(id)
        .compose(m -> p.check(m, to))
        .compose(v -> transition(id, to, expectedVersion, actor, reason))
        .compose(m -> p.reboot(m, actor))
        .map(r -> new Transitioned(r.machine(), Optional.of(r))));
  }

  /** Power-cycles the machine in its current state (same checks as a transition with reboot). */
  public Future<PowerCycle.Result> reboot(MachineId id, String actor) {
    return requirePower().compose(p -> machine(id)
        .compose(m -> p.check(m, m.state()).compose(v -> p.reboot(m, actor))));
  }

  // ---- BMCs, tenant settings, events ----

  /** Records the machine's BMC (NotFound for an unknown machine). */
  public Future<BmcRecord> putBmc(MachineId id, String url, String certificate, String user,
      String passwordFile, String passwordEnv) {
    return requireControl().compose(c -> machine(id).compose(m -> c.putBmc(new BmcRecord(m.key(),
        java.net.URI.create(url == null ? "" : url), certificate, user,
        CredentialRef.of(passwordFile, passwordEnv), clock.instant()))));
  }

  public Future<Optional<BmcRecord>> bmc(MachineId id) {
    return requireControl().compose(c -> machine(id).compose(m -> c.bmc(m.key())));
  }

  public Future<TenantSettings> putTenantSettings(TenantSettings settings) {
    return requireControl().compose(c -> c.putTenantSettings(settings));
  }

  public Future<TenantSettings> tenantSettings(String tenant) {
    Names.requireTenant("tenant", tenant);
    return requireControl().compose(c -> c.tenantSettings(tenant));
  }

  /** Events after {@code after}, oldest first, at most {@code limit}; of {@code tenants} when given. */
  public Future<List<MachineEvent>> events(long after, int limit, Optional<Set<String>> tenants) {
    if (after < 0) {
      return Future.failedFuture(new InvalidInputException("after", "must be 0 or a previous event id"));
    }
    return requireControl().compose(c -> c.events(after, limit, tenants));
  }

  private Future<ControlStore> requireControl() {
    return control == null ? Future.failedFuture(new NotFoundException("power control is off"))
        : Future.succeededFuture(control);
  }

  private Future<PowerCycle> requirePower() {
    return power == null ? Future.failedFuture(new NotFoundException("power control is off"))
        : Future.succeededFuture(power);
  }

  /** Enrol-or-update, config, state and (optionally) reboot in one idempotent call. */
  public Future<Provisioning.Outcome> provision(Provisioning.Request request, String actor) {
    return new Provisioning(this).provision(request, actor);
  }

  /** The machine, if enrolled. */
  Future<Optional<Machine>> find(MachineId id) {
    return machines.find(id);
  }

  Future<PowerCycle> power() {
    return requirePower();
  }

  /** The store of idempotent answers (NotFound when power control is off). */
  public Future<ControlStore> control() {
    return requireControl();
  }

  /** Sets or (with null) clears the machine's install profile. */
  public Future<Machine> setProfile(MachineId id, String profile, OptionalLong expectedVersion) {
    try {
      if (profile != null) {
        Names.requireProfile("profile", profile);
      }
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    return machines.setProfile(id, profile, expectedVersion, clock.instant());
  }

  public Future<List<HistoryEntry>> history(MachineId id) {
    return machines.history(id);
  }

  // ---- Talos machine configs ----

  /**
   * Validates and stores the machine's config (NotFound for an unknown machine); parsing, schema
   * check and hashing run on a worker.
   */
  public Future<ConfigStore.StoredConfig> putConfig(MachineId id, String yaml) {
    return machine(id)
        .compose(m -> validator().compose(v -> vertx.executeBlocking(() -> {
          v.check(id.value(), yaml);
          return new ConfigStore.StoredConfig(m.key(), yaml,
              ArtifactStore.sha256(yaml.getBytes(StandardCharsets.UTF_8)), clock.instant());
        }, false)))
        .compose(configs::putConfig);
  }

  /** The machine's stored config (NotFound for an unknown machine or when it has none). */
  public Future<String> config(MachineId id) {
    return machine(id).compose(m -> configs.config(m.key())).compose(c -> c.isPresent()
        ? Future.succeededFuture(c.get().body())
        : Future.failedFuture(new NotFoundException("no config stored for this machine")));
  }

  private synchronized Future<ConfigValidator> validator() {
    if (validator == null) {
      validator = vertx.executeBlocking(loadValidator::get, false);
    }
    return validator;
  }

  // ---- profiles and artifacts ----

  /** Creates or replaces a profile whose kernel and initrd artifacts have been uploaded. */
  public Future<BootProfile> putProfile(BootProfile profile) {
    return requireArtifact("kernel", profile.kernel())
        .compose(x -> requireArtifact("initrd", profile.initrd()))
        .compose(x -> machines.putProfile(profile));
  }

  public Future<List<BootProfile>> profiles(Optional<String> tenant) {
    return machines.profiles(tenant);
  }

  /** The profile, or NotFound. */
  public Future<BootProfile> profile(String name) {
    return machines.profile(name).compose(p -> p.isPresent()
        ? Future.succeededFuture(p.get())
        : Future.failedFuture(new NotFoundException("no profile named " + name)));
  }

  public Future<List<ArtifactRecord>> artifacts() {
    return machines.artifacts();
  }

  private Future<ArtifactRecord> requireArtifact(String field, String name) {
    return machines.artifact(name).compose(a -> a.isPresent()
        ? Future.succeededFuture(a.get())
        : Future.failedFuture(new InvalidInputException(field,
            "artifact " + name + " has not been uploaded (PUT /v1/admin/artifacts/" + name + ")")));
  }

  /** One line: at most {@code max} characters, no control characters. */
  static void requireLine(String field, String value, int max) {
    if (value.length() > max) {
      throw new InvalidInputException(field, "longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidInputException(field, "control characters are not allowed");
      }
    }
  }
}
