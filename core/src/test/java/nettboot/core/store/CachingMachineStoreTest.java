package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import nettboot.core.error.ConflictException;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The boot-path cache over a real SQLite store, with a controllable clock. */
class CachingMachineStoreTest {
  static final String UUID = "0a0a0a0a-0000-4000-8000-000000000001";
  @TempDir
  Path tmp;
  Vertx vertx;
  Stores dbStores;
  Stores otherStores;
  MachineStore db;
  MachineStore other;
  CachingMachineStore cache;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    dbStores = StoreFactory.sqlite(vertx, tmp);
    otherStores = StoreFactory.sqlite(vertx, tmp); // another replica writing to the same database
    await(dbStores.migrate());
    db = dbStores.machines();
    other = otherStores.machines();
    cache = new CachingMachineStore(db, Duration.ofSeconds(1), nanos::get);
  }

  @AfterEach
  void close() throws Exception {
    dbStores.close();
    otherStores.close();
    await(vertx.close());
  }

  private Machine enrol() throws Exception {
    return await(cache.enroll(Enrollment.of(UUID, List.of("52:54:00:0a:0a:01"), "acme", "worker", null, null),
        "test", Instant.now()));
  }

  @Test
  void ownWritesAreVisibleImmediatelyIncludingEnrolmentAfterANegativeLookup() throws Exception {
    MachineId id = MachineId.parse(UUID);
    assertThat(await(cache.findForTenant("acme", id))).isEmpty();
    enrol();
    assertThat(await(cache.findForTenant("acme", id))).isPresent();
    assertThat(await(cache.findForTenant("acme", MachineId.parse("52-54-00-0a-0a-01")))).isPresent();
    await(cache.transition(id, MachineState.PROVISIONING, OptionalLong.empty(), "t", "r", Instant.now()));
    assertThat(await(cache.findForTenant("acme", id)).orElseThrow().state()).isEqualTo(MachineState.PROVISIONING);
    assertThat(await(cache.findForTenant("acme", MachineId.parse("52:54:00:0a:0a:01"))).orElseThrow().state())
        .isEqualTo(MachineState.PROVISIONING);
  }

  @Test
  void otherReplicasWritesAppearAfterTheTtl() throws Exception {
    MachineId id = MachineId.parse(UUID);
    enrol();
    assertThat(await(cache.findForTenant("acme", id)).orElseThrow().state()).isEqualTo(MachineState.NEW);
    await(other.transition(id, MachineState.MAINTENANCE, OptionalLong.empty(), "t", "r", Instant.now()));
    assertThat(await(cache.findForTenant("acme", id)).orElseThrow().state()).as("cached").isEqualTo(MachineState.NEW);
    nanos.addAndGet(Duration.ofMillis(1001).toNanos());
    assertThat(await(cache.findForTenant("acme", id)).orElseThrow().state()).isEqualTo(MachineState.MAINTENANCE);
  }

  @Test
  void aConflictDropsCachedMachinesSoTheRetryReadsTheDatabase() throws Exception {
    MachineId id = MachineId.parse(UUID);
    Machine m = enrol();
    await(cache.findForTenant("acme", id));
    await(other.transition(id, MachineState.MAINTENANCE, OptionalLong.empty(), "t", "r", Instant.now()));
    Throwable t = cache.markWipeServed(m.key(), m.version(), Instant.now())
        .transform(ar -> Future.succeededFuture(ar.cause())).toCompletionStage().toCompletableFuture().get();
    assertThat(t).isInstanceOf(ConflictException.class);
    assertThat(await(cache.findForTenant("acme", id)).orElseThrow().state()).isEqualTo(MachineState.MAINTENANCE);
  }

  @Test
  void profilesAndArtifactsAreCachedAndInvalidatedOnPut() throws Exception {
    assertThat(await(cache.artifact("k"))).isEmpty();
    await(cache.putArtifact(new ArtifactRecord("k", "a".repeat(64), 1, Instant.now())));
    assertThat(await(cache.artifact("k"))).isPresent();
    assertThat(await(cache.profile("p"))).isEqualTo(Optional.empty());
  }

  // ---------------------------------------------------------------- the hot set

  @Test
  void warmLoadsEveryMachineProfileAndArtifactSoTheyAreServedFromMemory() throws Exception {
    Machine a = await(other.enroll(Enrollment.of(UUID, List.of("52:54:00:0a:0a:01"), "acme", "worker", null, null),
        "test", Instant.now()));
    await(other.enroll(Enrollment.of(null, List.of("52:54:00:0a:0a:02"), "acme", "worker", null, null),
        "test", Instant.now()));
    await(other.putArtifact(new ArtifactRecord("k", "a".repeat(64), 1, Instant.now())));
    assertThat(await(cache.warm())).isEqualTo(2);
    // Changed behind the cache's back: the warmed copy answers until the TTL.
    await(other.transition(MachineId.parse(UUID), MachineState.MAINTENANCE, OptionalLong.empty(), "t", "r", Instant.now()));
    assertThat(await(cache.findForTenant("acme", MachineId.parse(UUID))).orElseThrow().state()).isEqualTo(MachineState.NEW);
    assertThat(await(cache.findForTenant("acme", MachineId.parse("52:54:00:0a:0a:01"))).orElseThrow().key())
        .isEqualTo(a.key());
    assertThat(await(cache.findForTenant("acme", MachineId.parse("52:54:00:0a:0a:02")))).isPresent();
    assertThat(await(cache.findForTenant("globex", MachineId.parse(UUID)))).as("tenant scoped").isEmpty();
    assertThat(await(cache.artifact("k"))).isPresent();
    nanos.addAndGet(Duration.ofMillis(1001).toNanos());
    assertThat(await(cache.findForTenant("acme", MachineId.parse(UUID))).orElseThrow().state())
        .isEqualTo(MachineState.MAINTENANCE);
  }

  /** A store whose page() answers only when the test says so (the listing "in flight"). */
  private static MachineStore withSlowList(MachineStore real, io.vertx.core.Promise<List<Machine>> listing) {
    return (MachineStore) java.lang.reflect.Proxy.newProxyInstance(MachineStore.class.getClassLoader(),
        new Class<?>[] {MachineStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("page")) {
            return listing.future();
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aMachineChangedWhileTheListingIsInFlightKeepsItsInvalidation() throws Exception {
    Machine before = enrol();
    io.vertx.core.Promise<List<Machine>> listing = io.vertx.core.Promise.promise();
    CachingMachineStore slow = new CachingMachineStore(withSlowList(db, listing), Duration.ofSeconds(60), nanos::get);
    Future<Integer> warming = slow.warm();
    await(slow.transition(MachineId.parse(UUID), MachineState.PROVISIONING, OptionalLong.empty(), "t", "r", Instant.now()));
    listing.complete(List.of(before)); // the listing read the row before the transition
    assertThat(await(warming)).isEqualTo(1);
    assertThat(await(slow.findForTenant("acme", MachineId.parse(UUID))).orElseThrow().state())
        .isEqualTo(MachineState.PROVISIONING);
    assertThat(await(slow.findForTenant("acme", MachineId.parse("52:54:00:0a:0a:01"))).orElseThrow().state())
        .isEqualTo(MachineState.PROVISIONING);
  }

  @Test
  void everythingDroppedWhileTheListingIsInFlightMeansTheListingIsNotKept() throws Exception {
    Machine before = enrol();
    io.vertx.core.Promise<List<Machine>> listing = io.vertx.core.Promise.promise();
    CachingMachineStore slow = new CachingMachineStore(withSlowList(db, listing), Duration.ofSeconds(60), nanos::get);
    Future<Integer> warming = slow.warm();
    assertThat(await(slow.warm())).as("one round at a time").isZero();
    await(other.transition(MachineId.parse(UUID), MachineState.MAINTENANCE, OptionalLong.empty(), "t", "r", Instant.now()));
    slow.invalidateAll(); // e.g. the change feed reconnected
    listing.complete(List.of(before));
    assertThat(await(warming)).isZero();
    assertThat(await(slow.findForTenant("acme", MachineId.parse(UUID))).orElseThrow().state())
        .isEqualTo(MachineState.MAINTENANCE);
  }

  @Test
  void lookupsAcrossTenantsAreCachedAndForgottenOnEnrolment() throws Exception {
    MachineId id = MachineId.parse(UUID);
    assertThat(await(cache.find(id))).isEmpty();
    await(other.enroll(Enrollment.of(UUID, List.of(), "globex", "worker", null, null), "t", Instant.now()));
    assertThat(await(cache.find(id))).as("negative answer cached").isEmpty();
    cache.invalidate("m globex " + UUID); // what another replica's ChangeFeed message says
    assertThat(await(cache.find(id)).orElseThrow().tenant()).isEqualTo("globex");
    await(cache.transition(id, MachineState.MAINTENANCE, OptionalLong.empty(), "t", "r", Instant.now()));
    assertThat(await(cache.find(id)).orElseThrow().state()).isEqualTo(MachineState.MAINTENANCE);
  }

  @Test
  void warmWalksEveryPage() throws Exception {
    for (int i = 0; i < 7; i++) {
      await(other.enroll(Enrollment.of(null, List.of(String.format("52:54:00:0b:0b:%02x", i)), "acme", "worker",
          null, null), "test", Instant.now()));
    }
    CachingMachineStore paged = new CachingMachineStore(db, Duration.ofSeconds(60), nanos::get, 3);
    assertThat(await(paged.warm())).isEqualTo(7);
    assertThat(paged.size()).isEqualTo(7);
  }
}
