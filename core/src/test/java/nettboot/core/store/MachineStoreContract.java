package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import nettboot.core.error.ConflictException;
import nettboot.core.error.IllegalTransitionException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every {@link MachineStore} backend must show. Tests share a database per test
 * class at most, so each test uses its own random tenants, UUIDs and MACs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MachineStoreContract {
  static final String ACTOR = "admin:alice";

  protected Vertx vertx;
  protected String database;
  /** The stores of {@link #database}; {@link #store} is its machine store. */
  protected Stores stores;
  protected MachineStore store;
  private final List<Stores> opened = new ArrayList<>();

  /** Creates a new, empty database and returns the location {@link #open} takes. */
  protected abstract String newDatabase() throws Exception;

  /** Opens the stores (their own pool) on {@code database}; does not migrate. */
  protected abstract Stores open(Vertx vertx, String database);

  /** The database a test runs against; by default a new one per test. */
  protected String testDatabase() throws Exception {
    return newDatabase();
  }

  @BeforeAll
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stopVertx() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void openStore() throws Exception {
    database = testDatabase();
    stores = openTracked(database);
    store = stores.machines();
    await(stores.migrate());
  }

  @AfterEach
  void closeStores() {
    opened.forEach(Stores::close);
    opened.clear();
  }

  Stores openTracked(String db) {
    Stores s = open(vertx, db);
    opened.add(s);
    return s;
  }

  // ------------------------------------------------------------ schema

  @Test
  void migratingTwiceIsIdempotent() throws Exception {
    await(stores.migrate());
    await(openTracked(database).migrate());
    Machine m = await(store.enroll(enrollment(tenant(), uuid(), List.of(mac())), ACTOR, now()));
    assertThat(await(store.find(m.uuid().get()))).contains(m);
    await(store.ping());
  }

  @Test
  void twoReplicasMigratingAnEmptyDatabaseAtOnceBothSucceed() throws Exception {
    String fresh = newDatabase();
    Stores sa = openTracked(fresh);
    Stores sb = openTracked(fresh);
    await(Future.all(sa.migrate(), sb.migrate()));
    MachineStore a = sa.machines();
    MachineStore b = sb.machines();
    Machine m = await(a.enroll(enrollment(tenant(), uuid(), List.of()), ACTOR, now()));
    assertThat(await(b.find(m.uuid().get()))).contains(m);
  }

  // ------------------------------------------------------------ enrolment and lookup

  @Test
  void enrolsWithUuidOnly() throws Exception {
    String t = tenant();
    MachineId.Uuid u = uuid();
    Instant now = now();
    Machine m = await(store.enroll(enrollment(t, u, List.of()), ACTOR, now));
    assertThat(UUID.fromString(m.key()).toString()).isEqualTo(m.key());
    assertThat(m.uuid()).contains(u);
    assertThat(m.macs()).isEmpty();
    assertThat(m.tenant()).isEqualTo(t);
    assertThat(m.role()).isEqualTo(Role.WORKER);
    assertThat(m.state()).isEqualTo(MachineState.NEW);
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.wipeServed()).isFalse();
    assertThat(m.createdAt()).isEqualTo(Instant.ofEpochMilli(now.toEpochMilli()));
    assertThat(await(store.find(u))).contains(m);
  }

  @Test
  void enrolsWithMacsOnlyAndFindsByEachMacInOrder() throws Exception {
    List<MachineId.Mac> macs = List.of(mac(), mac(), mac());
    Machine m = await(store.enroll(enrollment(tenant(), null, macs), ACTOR, now()));
    assertThat(m.uuid()).isEmpty();
    assertThat(m.macs()).containsExactlyElementsOf(macs);
    for (MachineId.Mac mac : macs) {
      assertThat(await(store.find(mac))).contains(m);
    }
  }

  @Test
  void enrolsWithUuidAndMacs() throws Exception {
    MachineId.Uuid u = uuid();
    List<MachineId.Mac> macs = List.of(mac(), mac());
    Enrollment e = new Enrollment(Optional.of(u), macs, tenant(), Role.CONTROLPLANE, "cp-1.lab",
        null);
    Machine m = await(store.enroll(e, ACTOR, now()));
    assertThat(m.hostname()).isEqualTo("cp-1.lab");
    assertThat(m.role()).isEqualTo(Role.CONTROLPLANE);
    assertThat(await(store.find(u))).contains(m);
    assertThat(await(store.find(macs.get(1)))).contains(m);
  }

  @Test
  void duplicateUuidConflictsAcrossTenantsAndWritesNothing() throws Exception {
    MachineId.Uuid u = uuid();
    await(store.enroll(enrollment(tenant(), u, List.of()), ACTOR, now()));
    MachineId.Mac other = mac();
    Throwable e = failure(store.enroll(enrollment(tenant(), u, List.of(other)), ACTOR, now()));
    assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining(u.value())
        .hasMessageContaining("already enrolled");
    assertThat(await(store.find(other))).isEmpty();
  }

  @Test
  void duplicateMacConflictsAcrossTenantsAndWritesNothing() throws Exception {
    MachineId.Mac shared = mac();
    await(store.enroll(enrollment(tenant(), null, List.of(shared)), ACTOR, now()));
    MachineId.Uuid u = uuid();
    Throwable e = failure(store.enroll(enrollment(tenant(), u, List.of(mac(), shared)), ACTOR,
        now()));
    assertThat(e).isInstanceOf(ConflictException.class)
        .hasMessage("MAC " + shared + " is already enrolled");
    assertThat(await(store.find(u))).isEmpty();
  }

  @Test
  void ofTwoConcurrentEnrolmentsOfOneMacExactlyOneSucceeds() throws Exception {
    MachineStore replica = openTracked(database).machines();
    for (int round = 0; round < 10; round++) {
      MachineId.Mac shared = mac();
      Future<Machine> a = store.enroll(enrollment(tenant(), uuid(), List.of(shared)), ACTOR, now());
      Future<Machine> b = replica.enroll(enrollment(tenant(), uuid(), List.of(shared)), ACTOR,
          now());
      assertExactlyOneWins(a, b);
      assertThat(await(store.find(shared))).isPresent();
    }
  }

  @Test
  void changesWithoutAnActorAreInvalidInput() throws Exception {
    MachineId.Uuid id = uuid();
    assertThat(failure(store.enroll(enrollment(tenant(), id, List.of()), " ", now())))
        .isInstanceOf(InvalidInputException.class);
    await(store.enroll(enrollment(tenant(), id, List.of()), ACTOR, now()));
    assertThat(failure(store.transition(id, MachineState.PROVISIONING, OptionalLong.empty(), null,
        "", now()))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unknownIdsAreNotFound() throws Exception {
    assertThat(await(store.find(uuid()))).isEmpty();
    assertThat(await(store.find(mac()))).isEmpty();
    assertThat(failure(store.history(uuid()))).isInstanceOf(NotFoundException.class);
    assertThat(failure(store.transition(mac(), MachineState.PROVISIONING, OptionalLong.empty(),
        ACTOR, "", now()))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void findForTenantHidesOtherTenantsMachines() throws Exception {
    String mine = tenant();
    MachineId.Uuid u = uuid();
    MachineId.Mac m = mac();
    Machine machine = await(store.enroll(enrollment(mine, u, List.of(m)), ACTOR, now()));
    assertThat(await(store.findForTenant(mine, u))).contains(machine);
    assertThat(await(store.findForTenant(mine, m))).contains(machine);
    assertThat(await(store.findForTenant(tenant(), u))).isEmpty();
    assertThat(await(store.findForTenant(tenant(), m))).isEmpty();
  }

  @Test
  void listsByTenantInEnrolmentOrderOrAll() throws Exception {
    String a = tenant();
    String b = tenant();
    Instant t0 = now();
    Machine a1 = await(store.enroll(enrollment(a, uuid(), List.of(mac())), ACTOR, t0));
    Machine b1 = await(store.enroll(enrollment(b, null, List.of(mac(), mac())), ACTOR,
        t0.plusSeconds(1)));
    Machine a2 = await(store.enroll(enrollment(a, null, List.of(mac())), ACTOR,
        t0.plusSeconds(2)));
    assertThat(await(store.list(Optional.of(a)))).containsExactly(a1, a2);
    assertThat(await(store.list(Optional.of(b)))).containsExactly(b1);
    assertThat(await(store.list(Optional.of(tenant())))).isEmpty();
    List<Machine> all = await(store.list(Optional.empty()));
    assertThat(all).contains(a1, b1, a2);
    assertThat(all.indexOf(a1)).isLessThan(all.indexOf(b1));
    assertThat(all.indexOf(b1)).isLessThan(all.indexOf(a2));
  }

  @Test
  void enrolmentProfileMustExistAndBelongToTheTenant() throws Exception {
    String t = tenant();
    String other = tenant();
    BootProfile own = await(store.putProfile(profile("install-" + t, t)));
    BootProfile foreign = await(store.putProfile(profile("install-" + other, other)));
    Throwable unknown = failure(store.enroll(enrollment(t, uuid(), List.of(), "nope"), ACTOR,
        now()));
    assertThat(unknown).isInstanceOf(InvalidInputException.class);
    assertThat(((InvalidInputException) unknown).field()).isEqualTo("profile");
    Throwable cross = failure(store.enroll(enrollment(t, uuid(), List.of(), foreign.name()),
        ACTOR, now()));
    assertThat(cross).isInstanceOf(InvalidInputException.class)
        .hasMessage(unknown.getMessage().replace("nope", foreign.name()));
    Machine m = await(store.enroll(enrollment(t, uuid(), List.of(), own.name()), ACTOR, now()));
    assertThat(m.profile()).isEqualTo(own.name());
  }

  // ------------------------------------------------------------ lifecycle

  @Test
  void everyLegalTransitionSucceedsAndIsRecorded() throws Exception {
    String t = tenant();
    for (MachineState from : MachineState.values()) {
      for (MachineState to : Lifecycle.legalTargets(from)) {
        MachineId.Uuid id = uuid();
        Machine m = await(store.enroll(enrollment(t, id, List.of()), ACTOR, now()));
        for (MachineState step : pathFromNew(from)) {
          m = await(store.transition(id, step, OptionalLong.of(m.version()), ACTOR, "setup",
              now()));
        }
        if (from == MachineState.ACTIVE || from == MachineState.DECOMMISSION) {
          m = await(store.markWipeServed(m.key(), m.version(), now()));
        }
        Machine next = await(store.transition(id, to, OptionalLong.of(m.version()), ACTOR,
            from + " to " + to, now()));
        assertThat(next.state()).as(from + " -> " + to).isEqualTo(to);
        assertThat(next.version()).isEqualTo(m.version() + 1);
        boolean wipes = to == MachineState.REPROVISION || to == MachineState.DECOMMISSION;
        assertThat(next.wipeServed()).as(from + " -> " + to).isEqualTo(!wipes && m.wipeServed());
        assertThat(await(store.find(id))).contains(next);
        HistoryEntry last = await(store.history(id)).getLast();
        assertThat(last.from()).contains(from);
        assertThat(last.to()).isEqualTo(to);
        assertThat(last.version()).isEqualTo(next.version());
        assertThat(last.reason()).isEqualTo(from + " to " + to);
      }
    }
  }

  @Test
  void illegalTransitionFailsNamingTheLegalTargetsAndChangesNothing() throws Exception {
    MachineId.Mac id = mac();
    Machine m = await(store.enroll(enrollment(tenant(), null, List.of(id)), ACTOR, now()));
    Throwable e = failure(store.transition(id, MachineState.ACTIVE, OptionalLong.empty(), ACTOR,
        "skip install", now()));
    assertThat(e).isInstanceOf(IllegalTransitionException.class);
    IllegalTransitionException ite = (IllegalTransitionException) e;
    assertThat(ite.from()).isEqualTo(MachineState.NEW);
    assertThat(ite.to()).isEqualTo(MachineState.ACTIVE);
    assertThat(ite.legal()).isEqualTo(Lifecycle.legalTargets(MachineState.NEW));
    assertThat(await(store.find(id))).contains(m);
    assertThat(await(store.history(id))).hasSize(1);
  }

  @Test
  void decommissionedIsTerminal() throws Exception {
    MachineId.Uuid id = uuid();
    await(store.enroll(enrollment(tenant(), id, List.of()), ACTOR, now()));
    await(store.transition(id, MachineState.DECOMMISSION, OptionalLong.empty(), ACTOR, "", now()));
    await(store.transition(id, MachineState.DECOMMISSIONED, OptionalLong.empty(), ACTOR, "",
        now()));
    for (MachineState to : MachineState.values()) {
      Throwable e = failure(store.transition(id, to, OptionalLong.empty(), ACTOR, "", now()));
      assertThat(e).isInstanceOf(IllegalTransitionException.class);
      assertThat(((IllegalTransitionException) e).legal()).isEmpty();
    }
  }

  @Test
  void staleExpectedVersionConflictsAndChangesNothing() throws Exception {
    MachineId.Uuid id = uuid();
    Machine m = await(store.enroll(enrollment(tenant(), id, List.of()), ACTOR, now()));
    Throwable e = failure(store.transition(id, MachineState.PROVISIONING,
        OptionalLong.of(m.version() + 1), ACTOR, "", now()));
    assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining("re-read and retry");
    assertThat(await(store.find(id))).contains(m);
    assertThat(await(store.history(id))).hasSize(1);
  }

  @Test
  void ofTwoConcurrentConflictingTransitionsExactlyOneWins() throws Exception {
    MachineStore replica = openTracked(database).machines();
    MachineId.Uuid id = uuid();
    Machine m = await(store.enroll(enrollment(tenant(), id, List.of(mac())), ACTOR, now()));
    m = await(store.transition(id, MachineState.MAINTENANCE, OptionalLong.empty(), ACTOR, "",
        now()));
    int rounds = 30;
    for (int round = 0; round < rounds; round++) {
      OptionalLong v = OptionalLong.of(m.version());
      Future<Machine> a = store.transition(id, MachineState.NEW, v, "a", "round " + round, now());
      Future<Machine> b = replica.transition(id, MachineState.PROVISIONING, v, "b",
          "round " + round, now());
      Machine winner = assertExactlyOneWins(a, b);
      assertThat(winner.version()).isEqualTo(m.version() + 1);
      assertThat(await(store.find(id))).contains(winner);
      m = await(store.transition(id, MachineState.MAINTENANCE, OptionalLong.of(winner.version()),
          ACTOR, "reset", now()));
    }
    List<HistoryEntry> history = await(store.history(id));
    assertThat(history).hasSize(2 + 2 * rounds);
    assertThat(history).extracting(HistoryEntry::version)
        .containsExactlyElementsOf(rangeClosed(1, m.version()));
  }

  @Test
  void historyIsCompleteOrderedAndKeepsActorAndReason() throws Exception {
    MachineId.Mac id = mac();
    Instant t0 = now();
    Machine m = await(store.enroll(enrollment(tenant(), uuid(), List.of(id)), "system:seed", t0));
    await(store.transition(id, MachineState.PROVISIONING, OptionalLong.of(1), "admin:bob",
        "first install", t0.plusSeconds(1)));
    await(store.markWipeServed(m.key(), 2, t0.plusSeconds(2)));
    await(store.transition(id, MachineState.ACTIVE, OptionalLong.empty(), "system:events",
        "boot sequence started", t0.plusSeconds(3)));
    await(store.transition(id, MachineState.REPROVISION, OptionalLong.empty(), "maskin", null,
        t0.plusSeconds(4)));
    List<HistoryEntry> h = await(store.history(m.uuid().get()));
    long ms = t0.toEpochMilli();
    assertThat(h).containsExactly(
        new HistoryEntry(m.key(), 1, Optional.empty(), MachineState.NEW, "system:seed",
            "enrolled", Instant.ofEpochMilli(ms)),
        new HistoryEntry(m.key(), 2, Optional.of(MachineState.NEW), MachineState.PROVISIONING,
            "admin:bob", "first install", Instant.ofEpochMilli(ms + 1000)),
        new HistoryEntry(m.key(), 4, Optional.of(MachineState.PROVISIONING), MachineState.ACTIVE,
            "system:events", "boot sequence started", Instant.ofEpochMilli(ms + 3000)),
        new HistoryEntry(m.key(), 5, Optional.of(MachineState.ACTIVE), MachineState.REPROVISION,
            "maskin", "", Instant.ofEpochMilli(ms + 4000)));
  }

  @Test
  void markWipeServedChecksTheVersion() throws Exception {
    MachineId.Uuid id = uuid();
    await(store.enroll(enrollment(tenant(), id, List.of()), ACTOR, now()));
    Machine m = await(store.transition(id, MachineState.DECOMMISSION, OptionalLong.empty(), ACTOR,
        "retire", now()));
    assertThat(failure(store.markWipeServed(m.key(), m.version() - 1, now())))
        .isInstanceOf(ConflictException.class);
    Machine served = await(store.markWipeServed(m.key(), m.version(), now()));
    assertThat(served.wipeServed()).isTrue();
    assertThat(served.version()).isEqualTo(m.version() + 1);
    assertThat(served.state()).isEqualTo(MachineState.DECOMMISSION);
    assertThat(await(store.find(id))).contains(served);
    assertThat(await(store.history(id))).hasSize(2);
    assertThat(failure(store.markWipeServed(m.key(), m.version(), now())))
        .isInstanceOf(ConflictException.class);
    assertThat(failure(store.markWipeServed(UUID.randomUUID().toString(), 1, now())))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void setProfileChecksTenantAndVersion() throws Exception {
    String t = tenant();
    BootProfile own = await(store.putProfile(profile("p-" + t, t)));
    String other = tenant();
    BootProfile foreign = await(store.putProfile(profile("p-" + other, other)));
    MachineId.Uuid id = uuid();
    Machine m = await(store.enroll(enrollment(t, id, List.of()), ACTOR, now()));
    Machine set = await(store.setProfile(id, own.name(), OptionalLong.of(1), now()));
    assertThat(set.profile()).isEqualTo(own.name());
    assertThat(set.version()).isEqualTo(m.version() + 1);
    assertThat(await(store.find(id))).contains(set);
    assertThat(failure(store.setProfile(id, foreign.name(), OptionalLong.empty(), now())))
        .isInstanceOf(InvalidInputException.class);
    assertThat(failure(store.setProfile(id, null, OptionalLong.of(1), now())))
        .isInstanceOf(ConflictException.class);
    Machine cleared = await(store.setProfile(id, null, OptionalLong.empty(), now()));
    assertThat(cleared.profile()).isNull();
    assertThat(await(store.find(id))).contains(cleared);
  }

  // ------------------------------------------------------------ profiles and artifacts

  @Test
  void profilesAreReplacedListedAndStayInTheirTenant() throws Exception {
    String t = tenant();
    BootProfile b = await(store.putProfile(profile("b-" + t, t)));
    BootProfile a = await(store.putProfile(profile("a-" + t, t)));
    assertThat(await(store.profile(a.name()))).contains(a);
    BootProfile replaced = new BootProfile(a.name(), t, "vmlinuz-2", "initramfs-2.xz",
        "talos.platform=metal console=ttyS0", now());
    assertThat(await(store.putProfile(replaced))).isEqualTo(
        new BootProfile(a.name(), t, "vmlinuz-2", "initramfs-2.xz",
            "talos.platform=metal console=ttyS0", millis(replaced.updatedAt())));
    assertThat(await(store.profile(a.name()))).contains(await(store.putProfile(replaced)));
    assertThat(await(store.profiles(Optional.of(t))))
        .extracting(BootProfile::name).containsExactly(a.name(), b.name());
    assertThat(await(store.profiles(Optional.empty()))).contains(b);
    assertThat(await(store.profile("missing-" + t))).isEmpty();

    Throwable e = failure(store.putProfile(profile(a.name(), tenant())));
    assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining(a.name());
    assertThat(await(store.profile(a.name())).get().tenant()).isEqualTo(t);
  }

  @Test
  void artifactsAreReplacedAndListed() throws Exception {
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
    ArtifactRecord kernel = await(store.putArtifact(
        new ArtifactRecord("vmlinuz-" + suffix, sha("1"), 100, now())));
    ArtifactRecord initrd = await(store.putArtifact(
        new ArtifactRecord("initramfs-" + suffix, sha("2"), 200, now())));
    assertThat(await(store.artifact(kernel.name()))).contains(kernel);
    ArtifactRecord replaced = await(store.putArtifact(
        new ArtifactRecord(kernel.name(), sha("3"), 5_000_000_000L, now())));
    assertThat(await(store.artifact(kernel.name()))).contains(replaced);
    assertThat(replaced.size()).isEqualTo(5_000_000_000L);
    List<ArtifactRecord> all = await(store.artifacts());
    assertThat(all).contains(initrd, replaced).doesNotContain(kernel);
    assertThat(all).extracting(ArtifactRecord::name).isSorted();
    assertThat(await(store.artifact("absent-" + suffix))).isEmpty();
  }

  // ------------------------------------------------------------ durability

  @Test
  void dataSurvivesClosingAndReopening() throws Exception {
    String t = tenant();
    BootProfile p = await(store.putProfile(profile("keep-" + t, t)));
    ArtifactRecord art = await(store.putArtifact(new ArtifactRecord("keep-" + t, sha("a"), 7,
        now())));
    MachineId.Uuid id = uuid();
    await(store.enroll(enrollment(t, id, List.of(mac(), mac()), p.name()), ACTOR, now()));
    Machine m = await(store.transition(id, MachineState.PROVISIONING, OptionalLong.empty(), ACTOR,
        "install", now()));
    List<HistoryEntry> history = await(store.history(id));
    stores.close();

    Stores reopenedStores = openTracked(database);
    await(reopenedStores.migrate());
    MachineStore reopened = reopenedStores.machines();
    assertThat(await(reopened.find(id))).contains(m);
    assertThat(await(reopened.history(id))).isEqualTo(history);
    assertThat(await(reopened.profile(p.name()))).contains(p);
    assertThat(await(reopened.artifact(art.name()))).contains(art);
    assertThat(await(reopened.list(Optional.of(t)))).containsExactly(m);
  }

  // ------------------------------------------------------------ helpers

  /** Awaits both; exactly one must succeed and the other fail with ConflictException. */
  static <T> T assertExactlyOneWins(Future<T> a, Future<T> b) throws Exception {
    await(Future.join(a, b).otherwiseEmpty());
    assertThat(List.of(a.succeeded(), b.succeeded())).as("successes").containsOnlyOnce(true);
    Future<T> loser = a.succeeded() ? b : a;
    assertThat(loser.cause()).isInstanceOf(ConflictException.class);
    return a.succeeded() ? a.result() : b.result();
  }

  /** The transitions that take a New machine to {@code target} (shortest path). */
  static List<MachineState> pathFromNew(MachineState target) {
    Map<MachineState, MachineState> previous = new EnumMap<>(MachineState.class);
    Queue<MachineState> queue = new ArrayDeque<>(List.of(MachineState.NEW));
    while (!queue.isEmpty()) {
      MachineState s = queue.remove();
      for (MachineState n : Lifecycle.legalTargets(s)) {
        if (n != MachineState.NEW && previous.putIfAbsent(n, s) == null) {
          queue.add(n);
        }
      }
    }
    List<MachineState> path = new ArrayList<>();
    for (MachineState s = target; s != MachineState.NEW; s = previous.get(s)) {
      path.addFirst(s);
    }
    return path;
  }

  static List<Long> rangeClosed(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  static Enrollment enrollment(String tenant, MachineId.Uuid uuid, List<MachineId.Mac> macs) {
    return enrollment(tenant, uuid, macs, null);
  }

  static Enrollment enrollment(String tenant, MachineId.Uuid uuid, List<MachineId.Mac> macs,
      String profile) {
    return new Enrollment(Optional.ofNullable(uuid), macs, tenant, Role.WORKER, null, profile);
  }

  @Test
  void pagesVisitEveryMachineOnceInKeyOrderWithItsMacs() throws Exception {
    String t = tenant();
    List<Machine> enrolled = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      enrolled.add(await(store.enroll(enrollment(t, i % 2 == 0 ? uuid() : null, List.of(mac(), mac())), ACTOR, now())));
    }
    List<Machine> seen = new ArrayList<>();
    String after = "";
    for (List<Machine> page; !(page = await(store.page(after, 3))).isEmpty(); after = page.get(page.size() - 1).key()) {
      assertThat(page.size()).isLessThanOrEqualTo(3);
      seen.addAll(page);
    }
    List<Machine> ours = seen.stream().filter(m -> m.tenant().equals(t)).toList();
    assertThat(ours).containsExactlyInAnyOrderElementsOf(enrolled);
    assertThat(seen).extracting(Machine::key).isSorted().doesNotHaveDuplicates();
  }

  // ------------------------------------------------------------ config tokens and fetches

  @Test
  void configFetchesAreFoundByAddressWhileTheirTokenIsValid() throws Exception {
    ConfigStore configs = stores.configs();
    String t = tenant();
    Machine a = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
    Machine b = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
    Instant now = now();
    String addr = "fd00:" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffff) + "::42";
    await(configs.putToken(new ConfigStore.TokenRecord(sha("1"), a.key(), t, "boot-a", now, now.plusSeconds(3600)), a.version()));
    await(configs.putToken(new ConfigStore.TokenRecord(sha("3"), b.key(), t, "old", now.minusSeconds(7200),
        now.minusSeconds(1)), b.version()));
    await(configs.putToken(new ConfigStore.TokenRecord(sha("2"), b.key(), t, "boot-b", now, now.plusSeconds(3600)),
        b.version()));
    assertThat(await(configs.fetchesFrom(addr, now))).isEmpty(); // minted, not fetched
    await(configs.recordFetch(sha("1"), a.uuid().get().value(), addr, now));
    await(configs.recordFetch(sha("3"), b.uuid().get().value(), addr, now)); // expired: never found
    List<ConfigStore.Fetch> found = await(configs.fetchesFrom(addr, now));
    assertThat(found).containsExactly(new ConfigStore.Fetch(a.key(), t, "boot-a", a.uuid().get().value(),
        addr, millis(now), millis(now.plusSeconds(3600))));
    // A later fetch from the same address comes first.
    await(configs.recordFetch(sha("2"), b.uuid().get().value(), addr, now.plusSeconds(5)));
    assertThat(await(configs.fetchesFrom(addr, now.plusSeconds(6)))).extracting(ConfigStore.Fetch::bootId)
        .containsExactly("boot-b", "boot-a");
    // Revoked tokens (the machine is installed) are gone; expired ones never show.
    await(configs.revokeTokens(a.key()));
    assertThat(await(configs.fetchesFrom(addr, now.plusSeconds(6)))).extracting(ConfigStore.Fetch::bootId)
        .containsExactly("boot-b");
    assertThat(await(configs.fetchesFrom(addr, now.plusSeconds(3601)))).isEmpty();
  }

  @Test
  void aReusedTokenHashIsAConflictLikeEveryLostRace() throws Exception {
    String t = tenant();
    Machine m = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
    Instant now = now();
    String hash = Long.toHexString(ThreadLocalRandom.current().nextLong()).repeat(4);
    ConfigStore.TokenRecord token = new ConfigStore.TokenRecord(hash, m.key(), t, "boot", now,
        now.plusSeconds(60));
    await(stores.configs().putToken(token, m.version()));
    assertThat(failure(stores.configs().putToken(token, m.version()))).isInstanceOf(ConflictException.class);
  }

  @Test
  void aTokenIsNotStoredForAMachineThatChangedAfterItsBootWasDecided() throws Exception {
    // The boot was decided at version v; a transition commits before the token is stored: the
    // transition revoked the machine's tokens, so storing this one would revive a dead boot.
    String t = tenant();
    Machine decided = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
    MachineId id = MachineId.parse(decided.displayId());
    await(store.transition(id, MachineState.PROVISIONING, OptionalLong.empty(), ACTOR, "race", now()));
    Instant now = now();
    String hash = Long.toHexString(ThreadLocalRandom.current().nextLong()).repeat(4);
    assertThat(failure(stores.configs().putToken(new ConfigStore.TokenRecord(hash, decided.key(), t, "boot",
        now, now.plusSeconds(60)), decided.version()))).isInstanceOf(ConflictException.class);
    assertThat(await(stores.configs().token(hash))).isEmpty();
    // An unknown machine is the same lost race.
    assertThat(failure(stores.configs().putToken(new ConfigStore.TokenRecord(hash, "no-such-key", t, "boot",
        now, now.plusSeconds(60)), 1))).isInstanceOf(ConflictException.class);
  }

  @Test
  void aTokenMintedConcurrentlyWithATransitionNeverSurvivesIt() throws Exception {
    // Mint and transition race for real (no ordering imposed): whichever commits first, the
    // machine ends in its new state with no live token of the boot decided before it.
    String t = tenant();
    for (int i = 0; i < 40; i++) {
      Machine enrolled = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
      MachineId id = MachineId.parse(enrolled.displayId());
      Machine decided = await(store.transition(id, MachineState.PROVISIONING, OptionalLong.empty(), ACTOR,
          "install boot", now()));
      Instant now = now();
      String hash = Long.toHexString(ThreadLocalRandom.current().nextLong()).repeat(4);
      Future<Void> mint = stores.configs().putToken(new ConfigStore.TokenRecord(hash, decided.key(), t, "boot",
          now, now.plusSeconds(60)), decided.version());
      Future<Machine> moved = store.transition(id, MachineState.ACTIVE, OptionalLong.empty(), ACTOR,
          "installed", now());
      Throwable lost = await(mint.map(v -> (Throwable) null).otherwise(e -> e));
      await(moved);
      if (lost != null) {
        assertThat(lost).isInstanceOf(ConflictException.class);
      }
      assertThat(await(stores.configs().token(hash))).as("token after the transition, round " + i).isEmpty();
    }
  }

  static BootProfile profile(String name, String tenant) {
    return new BootProfile(name, tenant, "vmlinuz-amd64", "initramfs-amd64.xz",
        "talos.platform=metal", now());
  }

  static String tenant() {
    return "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);
  }

  static MachineId.Uuid uuid() {
    return new MachineId.Uuid(UUID.randomUUID().toString());
  }

  /** A random locally administered unicast MAC. */
  static MachineId.Mac mac() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] = (byte) ((b[0] & 0xfc) | 0x02);
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(sb.isEmpty() ? "" : ":").append(String.format("%02x", x & 0xff));
    }
    return new MachineId.Mac(sb.toString());
  }

  static String sha(String digit) {
    return digit.repeat(64);
  }

  static Instant now() {
    return Instant.now();
  }

  static Instant millis(Instant t) {
    return Instant.ofEpochMilli(t.toEpochMilli());
  }

  // ------------------------------------------------------------ event feed, notes, control

  @Test
  void everyHistoryRowIsOnTheEventFeedInOrderWithIncreasingIdsAndResumesAfterAnId() throws Exception {
    String t = tenant();
    String other = tenant();
    long start = lastEventId();
    Machine a = await(store.enroll(enrollment(t, uuid(), List.of()), ACTOR, now()));
    Machine b = await(store.enroll(enrollment(other, uuid(), List.of()), ACTOR, now()));
    await(store.transition(a.uuid().get(), MachineState.MAINTENANCE, OptionalLong.empty(), ACTOR, "why", now()));
    Machine noted = await(store.note(a.uuid().get(), ACTOR, "reboot: ok", now()));
    assertThat(noted.state()).isEqualTo(MachineState.MAINTENANCE);
    assertThat(noted.version()).isEqualTo(3);

    List<nettboot.core.machine.MachineEvent> all = await(stores.control().events(start, 1000, Optional.empty()));
    assertThat(all).extracting(e -> e.entry().to()).containsExactly(MachineState.NEW, MachineState.NEW,
        MachineState.MAINTENANCE, MachineState.MAINTENANCE);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).id()).as("gap-free ids").isEqualTo(start + 1 + i);
    }
    assertThat(all.get(2).machine()).isEqualTo(a.uuid().get().value());
    assertThat(all.get(3).entry().from()).contains(MachineState.MAINTENANCE);
    assertThat(all.get(3).entry().reason()).isEqualTo("reboot: ok");
    assertThat(await(stores.control().events(all.get(1).id(), 1000, Optional.empty())))
        .extracting(e -> e.id()).containsExactly(all.get(2).id(), all.get(3).id());
    assertThat(await(stores.control().events(start, 1000, Optional.of(java.util.Set.of(other)))))
        .extracting(e -> e.machine()).containsExactly(b.uuid().get().value());
  }

  @Test
  void concurrentTransitionsGetDistinctEventIds() throws Exception {
    long start = lastEventId();
    List<Future<Machine>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(store.enroll(enrollment(tenant(), uuid(), List.of()), ACTOR, now()));
    }
    await(Future.all(all));
    List<nettboot.core.machine.MachineEvent> events = await(stores.control().events(start, 1000, Optional.empty()));
    assertThat(events).extracting(e -> e.id()).doesNotHaveDuplicates().hasSize(8);
  }

  @Test
  void tenantSettingsNameOnlyTheTenantsOwnProfiles() throws Exception {
    String t = tenant();
    await(store.putProfile(new BootProfile("rescue-" + t, t, "k", "i", "", now())));
    nettboot.core.power.TenantSettings s = new nettboot.core.power.TenantSettings(t,
        Optional.of("rescue-" + t), Optional.empty(), Optional.of(java.net.URI.create("https://[::1]/a.iso")), now());
    await(stores.control().putTenantSettings(s));
    assertThat(await(stores.control().tenantSettings(t)).rescueProfile()).contains("rescue-" + t);
    assertThat(await(stores.control().tenantSettings(tenant())).rescueProfile()).isEmpty();
    String other = tenant();
    assertThat(failure(stores.control().putTenantSettings(new nettboot.core.power.TenantSettings(other,
        Optional.of("rescue-" + t), Optional.empty(), Optional.empty(), now()))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("rescueProfile");
  }

  @Test
  void theFirstStoredIdempotentAnswerIsKept() throws Exception {
    String key = UUID.randomUUID().toString();
    ControlStore.StoredAnswer first = new ControlStore.StoredAnswer("aa", 201, "{\"n\":1}");
    assertThat(await(stores.control().remember("CN=maskin", key, first, now()))).isEqualTo(first);
    assertThat(await(stores.control().remember("CN=maskin", key,
        new ControlStore.StoredAnswer("aa", 200, "{\"n\":2}"), now()))).isEqualTo(first);
    assertThat(await(stores.control().answer("CN=maskin", key))).contains(first);
    assertThat(await(stores.control().answer("CN=other", key))).isEmpty();
  }

  private long lastEventId() {
    List<nettboot.core.machine.MachineEvent> e = await(stores.control().events(0, 1000, Optional.empty()));
    long last = 0;
    while (!e.isEmpty()) {
      last = e.get(e.size() - 1).id();
      e = await(stores.control().events(last, 1000, Optional.empty()));
    }
    return last;
  }
}
