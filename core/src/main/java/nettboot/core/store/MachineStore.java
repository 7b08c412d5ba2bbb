package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;

/**
 * The inventory: machines, their lifecycle history, boot profiles and artifact aliases. Opened
 * with the other stores of the same database by {@link StoreFactory} (as {@link Stores}); the SQL
 * implementation runs on SQLite (embedded default) and PostgreSQL with the same SQL. Every
 * mutation is one transaction; lifecycle mutations check the machine version optimistically and
 * append a history row in the same transaction.
 *
 * <p>Failed futures carry domain errors only: {@code NotFoundException},
 * {@code ConflictException} (duplicate UUID/MAC, stale version), {@code IllegalTransitionException},
 * {@code InvalidInputException} (e.g. unknown profile, profile of another tenant) and
 * {@code UnavailableException} (the database could not be reached or failed).
 */
public interface MachineStore {

  /** A cheap round trip to the database, for readiness checks. */
  Future<Void> ping();

  /**
   * Enrols a machine in state New, with a history row (from = empty, to = New).
   * Fails with ConflictException when the UUID or any MAC is already enrolled (any tenant), and
   * with InvalidInputException (field "profile") when the profile does not exist or belongs to
   * another tenant.
   */
  Future<Machine> enroll(Enrollment enrollment, String actor, Instant now);

  /** Looks a machine up by UUID or any of its MACs, whatever its tenant (admin view). */
  Future<Optional<Machine>> find(MachineId id);

  /** Looks a machine up by UUID or MAC within one tenant; another tenant's machine is empty. */
  Future<Optional<Machine>> findForTenant(String tenant, MachineId id);

  /** All machines, or those of one tenant, ordered by enrolment time then key. */
  Future<List<Machine>> list(Optional<String> tenant);

  /**
   * One page of every machine (all tenants), ordered by key: at most {@code limit} machines whose
   * key sorts after {@code afterKey} ("" for the first page). Short queries, so a full pass over a
   * large inventory never holds the database for long.
   */
  Future<List<Machine>> page(String afterKey, int limit);

  /**
   * Moves a machine to {@code to} in one transaction: reads it, checks the transition with
   * {@code Lifecycle.apply}, updates it only if its version is still the one read (and equal to
   * {@code expectedVersion} when given), appends the history row and revokes the machine's config
   * tokens (a token never outlives the state its boot was in). Of two concurrent conflicting
   * transitions exactly one succeeds; the other fails with ConflictException.
   */
  Future<Machine> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason, Instant now);

  /**
   * Appends a history row that changes no state (from = to = the current state): what the server
   * did to the machine, such as a power cycle and its result. Bumps the version.
   */
  Future<Machine> note(MachineId id, String actor, String reason, Instant now);

  /**
   * Records that the one-shot wipe/erase netboot was served to this machine. Succeeds only if the
   * machine is still at {@code expectedVersion} (ConflictException otherwise); bumps the version.
   * Not a state transition, so no history row.
   */
  Future<Machine> markWipeServed(String machineKey, long expectedVersion, Instant now);

  /**
   * Sets (or clears, with null) a machine's install profile; InvalidInputException when the profile
   * does not exist or belongs to another tenant; ConflictException on a stale expectedVersion.
   */
  Future<Machine> setProfile(MachineId id, String profile, OptionalLong expectedVersion,
      Instant now);

  /** The machine's history, oldest first; NotFoundException when the machine is unknown. */
  Future<List<HistoryEntry>> history(MachineId id);

  /** Creates or replaces a boot profile. A profile cannot move to another tenant (Conflict). */
  Future<BootProfile> putProfile(BootProfile profile);

  Future<Optional<BootProfile>> profile(String name);

  Future<List<BootProfile>> profiles(Optional<String> tenant);

  /** Points an artifact name at content (creates or replaces the alias). */
  Future<ArtifactRecord> putArtifact(ArtifactRecord artifact);

  Future<Optional<ArtifactRecord>> artifact(String name);

  Future<List<ArtifactRecord>> artifacts();
}
