package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real PostgreSQL: replica A serves boots from its cache (TTL one minute, far
 * longer than the test), replica B writes; A sees B's writes at once through LISTEN/NOTIFY.
 */
class PostgresChangeFeedTest {
  static final String UUID = "fe edfeed-0000-4000-8000-000000000001".replace(" ", "");
  Vertx vertx;
  Stores storesA;
  Stores storesB;
  MachineStore a;
  MachineStore b;
  CachingMachineStore cacheA;
  ChangeFeed feed;

  @BeforeEach
  void open() throws Exception {
    String url = TestPostgres.newDatabase();
    vertx = Vertx.vertx();
    storesA = StoreFactory.postgres(vertx, url);
    storesB = StoreFactory.postgres(vertx, url);
    await(storesA.migrate());
    a = storesA.machines();
    b = storesB.machines();
    cacheA = new CachingMachineStore(a, Duration.ofMinutes(1));
    feed = await(ChangeFeed.start(vertx, url, cacheA::invalidate, cacheA::invalidateAll));
  }

  @AfterEach
  void close() throws Exception {
    feed.close();
    storesA.close();
    storesB.close();
    await(vertx.close());
  }

  private static void eventually(Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.get()) {
      assertThat(System.nanoTime()).as("within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void anotherReplicasWritesReachTheCacheWithoutWaitingForTheTtl() throws Exception {
    MachineId id = MachineId.parse(UUID);
    MachineId mac = MachineId.parse("52:54:00:fe:ed:01");
    assertThat(await(cacheA.findForTenant("acme", id))).isEmpty(); // cached "unknown"
    await(b.enroll(Enrollment.of(UUID, List.of("52:54:00:fe:ed:01"), "acme", "worker", null, null),
        "replica-b", Instant.now()));
    eventually(() -> get(() -> cacheA.findForTenant("acme", id)).isPresent());
    assertThat(await(cacheA.findForTenant("acme", mac)).orElseThrow().state()).isEqualTo(MachineState.NEW);

    await(b.transition(id, MachineState.MAINTENANCE, OptionalLong.empty(), "replica-b", "", Instant.now()));
    eventually(() -> get(() -> cacheA.findForTenant("acme", mac)).orElseThrow().state() == MachineState.MAINTENANCE);

    assertThat(await(cacheA.artifact("kernel"))).isEmpty();
    await(b.putArtifact(new ArtifactRecord("kernel", "b".repeat(64), 7, Instant.now())));
    eventually(() -> get(() -> cacheA.artifact("kernel")).isPresent());
  }

  private static <T> T get(Supplier<Future<T>> f) {
    try {
      return await(f.get());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
