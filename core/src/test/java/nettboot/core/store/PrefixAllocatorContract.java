package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What every {@link PrefixAllocator} backend must do; each test uses its own pool name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PrefixAllocatorContract {
  static final Ipv6Prefix PARENT = Ipv6Prefix.parse("pool", "2001:db8:1000::/56");
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  Vertx vertx;
  List<Stores> stores = new ArrayList<>();
  PrefixAllocator allocator;
  PrefixAllocator second; // another pool on the same database, as another replica would have

  protected abstract Stores open(Vertx vertx, String database);

  protected abstract String newDatabase() throws Exception;

  @BeforeAll
  void openStores() throws Exception {
    vertx = Vertx.vertx();
    String db = newDatabase();
    Stores a = open(vertx, db);
    await(a.migrate());
    Stores b = open(vertx, db);
    await(b.migrate());
    stores.add(a);
    stores.add(b);
    allocator = a.prefixes();
    second = b.prefixes();
  }

  @AfterAll
  void close() throws Exception {
    stores.forEach(Stores::close);
    await(vertx.close());
  }

  static String pool() {
    return "pool-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void allocationIsStableAndIdempotentAndPersisted() throws Exception {
    String pool = pool();
    Ipv6Prefix a = await(allocator.allocate(pool, PARENT, 64, "cp-1", NOW));
    Ipv6Prefix b = await(allocator.allocate(pool, PARENT, 64, "cp-2", NOW));
    assertThat(a).hasToString("2001:db8:1000::/64");
    assertThat(b).hasToString("2001:db8:1000:1::/64");
    assertThat(await(allocator.allocate(pool, PARENT, 64, "cp-1", NOW))).isEqualTo(a);
    // the other connection pool (another process) sees the same allocation
    assertThat(await(second.allocate(pool, PARENT, 64, "cp-1", NOW))).isEqualTo(a);
    assertThat(await(second.find(pool, "cp-2"))).contains(b);
    assertThat(await(allocator.list(pool))).extracting(PrefixAllocator.Allocation::owner)
        .containsExactly("cp-1", "cp-2");
  }

  @Test
  void staticReservationsAreNeverHandedOutAndReleasedPrefixesAreReused() throws Exception {
    String pool = pool();
    Ipv6Prefix pinned = Ipv6Prefix.parse("p", "2001:db8:1000::/64");
    assertThat(await(allocator.reserve(pool, PARENT, pinned, "cp-1", NOW))).isEqualTo(pinned);
    assertThat(await(allocator.reserve(pool, PARENT, pinned, "cp-1", NOW))).isEqualTo(pinned);
    assertThat(await(allocator.allocate(pool, PARENT, 64, "w-1", NOW))).hasToString("2001:db8:1000:1::/64");
    assertThat(failure(allocator.reserve(pool, PARENT, pinned, "cp-2", NOW)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already held by cp-1");
    assertThat(failure(allocator.reserve(pool, PARENT, Ipv6Prefix.parse("p", "2001:db8:1000:9::/64"), "w-1", NOW)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("w-1 already holds");
    assertThat(failure(allocator.reserve(pool, PARENT, Ipv6Prefix.parse("p", "2001:db8:2000::/64"), "x", NOW)))
        .isInstanceOf(InvalidInputException.class);
    assertThat(await(allocator.release(pool, "w-1"))).isTrue();
    assertThat(await(allocator.release(pool, "w-1"))).isFalse();
    assertThat(await(allocator.allocate(pool, PARENT, 64, "w-2", NOW))).hasToString("2001:db8:1000:1::/64");
  }

  @Test
  void anExhaustedPoolIsAClearConflictAndAPoolNeverChangesShape() throws Exception {
    String pool = pool();
    Ipv6Prefix small = Ipv6Prefix.parse("p", "2001:db8:1000::/63");
    await(allocator.allocate(pool, small, 64, "a", NOW));
    await(allocator.allocate(pool, small, 64, "b", NOW));
    Throwable e = failure(allocator.allocate(pool, small, 64, "c", NOW));
    assertThat(e).isInstanceOf(ConflictException.class)
        .hasMessageContaining("prefix pool " + pool + " (2001:db8:1000::/63) is exhausted: all 2 /64");
    assertThat(failure(allocator.allocate(pool, PARENT, 64, "a", NOW)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("never changes");
  }

  @Test
  void concurrentRequestsFromTwoPoolsNeverGetTheSamePrefix() throws Exception {
    String pool = pool();
    List<Future<Ipv6Prefix>> all = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      PrefixAllocator which = i % 2 == 0 ? allocator : second;
      all.add(which.allocate(pool, PARENT, 64, "node-" + i, NOW));
      // the same owner asking twice at once still gets one prefix
      all.add(which.allocate(pool, PARENT, 64, "node-" + i, NOW));
    }
    await(Future.all(all));
    List<Ipv6Prefix> got = all.stream().map(Future::result).toList();
    for (int i = 0; i < 24; i++) {
      assertThat(got.get(2 * i)).isEqualTo(got.get(2 * i + 1));
    }
    assertThat(new HashSet<>(got)).hasSize(24);
    assertThat(await(allocator.list(pool))).hasSize(24);
    assertThat(await(allocator.find(pool, "node-99"))).isEqualTo(Optional.empty());
  }

}
