package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;

/**
 * A read-through cache in front of a store for the boot path (a reboot storm asks for the same
 * machines, profiles and artifacts thousands of times a second). Only the lookups the boot
 * listener makes are cached: {@link #findForTenant}, {@link #find} (its cross-tenant check of
 * unknown ids), {@link #profile} and {@link #artifact}, including "not found" answers.
 *
 * <p>Consistency: every mutation made through this instance invalidates what it changed before
 * its future completes, so this replica never serves a record older than its own writes.
 * Mutations made by other replicas become visible within {@code ttl}. Correctness never depends
 * on the cache: the one-shot wipe and the first-boot transition are written with the machine's
 * version as an optimistic check, and a conflict drops every cached machine, so the retry reads
 * the database.
 *
 * <p>The hot set: in a reboot storm every machine asks once, so a read-through cache alone would
 * miss on every first question. {@link #warm} loads every machine, profile and artifact alias at
 * once (one listing instead of a query pair per machine); the server calls it at start-up and then
 * every half TTL. Keys invalidated while a listing is in flight are not overwritten by it.
 */
public final class CachingMachineStore implements MachineStore {
  private static final int MAX_ENTRIES = 1_000_000;

  private record Entry<T>(T value, long expiresAt) {}

  private final MachineStore delegate;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final int warmPage;
  /** Bumped before every invalidation, so a read that raced a write is not cached. */
  private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentHashMap<String, Entry<Optional<Machine>>> machines = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry<Optional<BootProfile>>> profiles = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry<Optional<ArtifactRecord>>> artifacts = new ConcurrentHashMap<>();
  /** While a {@link #warm} listing is in flight: the keys invalidated since it began ("m|…", "p|…", "a|…"). */
  private final java.util.Set<String> invalidatedWhileWarming = ConcurrentHashMap.newKeySet();
  private volatile boolean warming;
  /** The write sequence of the last "drop everything". */
  private volatile long clearedAt;

  public CachingMachineStore(MachineStore delegate, Duration ttl) {
    this(delegate, ttl, System::nanoTime);
  }

  CachingMachineStore(MachineStore delegate, Duration ttl, LongSupplier nanoClock) {
    this(delegate, ttl, nanoClock, WARM_PAGE);
  }

  CachingMachineStore(MachineStore delegate, Duration ttl, LongSupplier nanoClock, int warmPage) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("cache ttl must be positive");
    }
    this.delegate = delegate;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.warmPage = warmPage;
  }

  private <T> Future<T> cached(ConcurrentHashMap<String, Entry<T>> map, String key, Supplier<Future<T>> load) {
    long now = nanoClock.getAsLong();
    Entry<T> e = map.get(key);
    if (e != null && e.expiresAt - now > 0) {
      return Future.succeededFuture(e.value);
    }
    long writesBefore = writes.get();
    return load.get().onSuccess(v -> {
      if (writes.get() != writesBefore) {
        return; // a write landed while we read: the answer may predate it, do not keep it
      }
      if (map.size() >= MAX_ENTRIES) {
        map.clear(); // bounded memory: a full cache restarts cold rather than growing
      }
      map.put(key, new Entry<>(v, nanoClock.getAsLong() + ttlNanos));
    });
  }

  private static String machineKey(String tenant, MachineId id) {
    return tenant + "|" + id.value();
  }

  /** The key of a lookup across tenants ({@link #find}). */
  private static String anyTenantKey(String id) {
    return "*|" + id;
  }

  /** Drops every cached lookup that could name this machine. */
  private void forget(Machine m) {
    writes.incrementAndGet();
    m.uuid().ifPresent(u -> {
      drop(machines, "m|", machineKey(m.tenant(), u));
      drop(machines, "m|", anyTenantKey(u.value()));
    });
    for (MachineId.Mac mac : m.macs()) {
      drop(machines, "m|", machineKey(m.tenant(), mac));
      drop(machines, "m|", anyTenantKey(mac.value()));
    }
  }

  private <T> void drop(ConcurrentHashMap<String, Entry<T>> map, String kind, String key) {
    if (warming) {
      invalidatedWhileWarming.add(kind + key);
    }
    map.remove(key);
  }

  private void dropAllMachines() {
    clearedAt = writes.incrementAndGet();
    machines.clear();
  }

  /** Machines per listing query of {@link #warm}: short queries that boot lookups can pass between. */
  static final int WARM_PAGE = 100;

  /**
   * Loads every machine (under its UUID and each MAC), boot profile and artifact alias into the
   * cache with a fresh TTL: profiles and artifacts in one query each, machines in pages of
   * {@link #WARM_PAGE} by key (so the database is never held for long: a single 10,000-machine
   * listing held SQLite's one connection for a few hundred milliseconds and every boot that
   * needed the database waited behind it). Keys invalidated while the listing runs keep their
   * invalidation; if everything was dropped meanwhile, the round stops and keeps nothing more.
   * One round at a time; returns the number of machines loaded (0 when skipped).
   */
  public Future<Integer> warm() {
    if (warming) {
      return Future.succeededFuture(0);
    }
    warming = true;
    invalidatedWhileWarming.clear();
    long start = writes.get();
    return Future.all(delegate.profiles(Optional.empty()), delegate.artifacts())
        .compose(all -> {
          if (clearedAt > start) {
            return Future.succeededFuture(0);
          }
          long expires = nanoClock.getAsLong() + ttlNanos;
          for (BootProfile p : all.<List<BootProfile>>resultAt(0)) {
            warmPut(profiles, "p|", p.name(), Optional.of(p), expires);
          }
          for (ArtifactRecord a : all.<List<ArtifactRecord>>resultAt(1)) {
            warmPut(artifacts, "a|", a.name(), Optional.of(a), expires);
          }
          return warmMachines("", 0, start);
        })
        .andThen(ar -> {
          warming = false;
          invalidatedWhileWarming.clear();
        });
  }

  private Future<Integer> warmMachines(String afterKey, int loaded, long start) {
    return delegate.page(afterKey, warmPage).compose(ms -> {
      if (clearedAt > start) {
        return Future.succeededFuture(0);
      }
      if (machines.size() + 2L * ms.size() > MAX_ENTRIES) {
        return Future.succeededFuture(loaded); // larger than the cache: the rest stays read-through
      }
      long expires = nanoClock.getAsLong() + ttlNanos;
      for (Machine m : ms) {
        m.uuid().ifPresent(u -> warmPut(machines, "m|", machineKey(m.tenant(), u), Optional.of(m), expires));
        for (MachineId.Mac mac : m.macs()) {
          warmPut(machines, "m|", machineKey(m.tenant(), mac), Optional.of(m), expires);
        }
      }
      if (ms.size() < warmPage) {
        return Future.succeededFuture(loaded + ms.size());
      }
      return warmMachines(ms.get(ms.size() - 1).key(), loaded + ms.size(), start);
    });
  }

  private <T> void warmPut(ConcurrentHashMap<String, Entry<T>> map, String kind, String key, T value,
      long expires) {
    if (!invalidatedWhileWarming.contains(kind + key)) {
      // keep the cached object when it is unchanged: no fresh copy of every machine per round
      Entry<T> old = map.get(key);
      map.put(key, new Entry<>(old != null && old.value().equals(value) ? old.value() : value, expires));
    }
  }

  /** After a write: forget what it changed; after a failed write, forget all machines. */
  private <T> Future<T> invalidating(Future<T> write, java.util.function.Consumer<T> onSuccess) {
    return write.andThen(ar -> {
      if (ar.succeeded()) {
        onSuccess.accept(ar.result());
      } else {
        dropAllMachines();
      }
    });
  }

  @Override
  public Future<Optional<Machine>> findForTenant(String tenant, MachineId id) {
    return cached(machines, machineKey(tenant, id), () -> delegate.findForTenant(tenant, id));
  }

  @Override
  public Future<Optional<BootProfile>> profile(String name) {
    return cached(profiles, name, () -> delegate.profile(name));
  }

  @Override
  public Future<Optional<ArtifactRecord>> artifact(String name) {
    return cached(artifacts, name, () -> delegate.artifact(name));
  }

  @Override
  public Future<Machine> enroll(Enrollment enrollment, String actor, Instant now) {
    return invalidating(delegate.enroll(enrollment, actor, now), this::forget);
  }

  @Override
  public Future<Machine> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason, Instant now) {
    return invalidating(delegate.transition(id, to, expectedVersion, actor, reason, now), this::forget);
  }

  @Override
  public Future<Machine> note(MachineId id, String actor, String reason, Instant now) {
    return invalidating(delegate.note(id, actor, reason, now), this::forget);
  }

  @Override
  public Future<Machine> markWipeServed(String machineKey, long expectedVersion, Instant now) {
    return invalidating(delegate.markWipeServed(machineKey, expectedVersion, now), this::forget);
  }

  @Override
  public Future<Machine> setProfile(MachineId id, String profile, OptionalLong expectedVersion, Instant now) {
    return invalidating(delegate.setProfile(id, profile, expectedVersion, now), this::forget);
  }

  @Override
  public Future<BootProfile> putProfile(BootProfile profile) {
    return delegate.putProfile(profile).andThen(ar -> {
      writes.incrementAndGet();
      drop(profiles, "p|", profile.name());
    });
  }

  @Override
  public Future<ArtifactRecord> putArtifact(ArtifactRecord artifact) {
    return delegate.putArtifact(artifact).andThen(ar -> {
      writes.incrementAndGet();
      drop(artifacts, "a|", artifact.name());
    });
  }

  // ---- not cached: admin reads and operations ----

  @Override
  public Future<Void> ping() {
    return delegate.ping();
  }

  @Override
  public Future<Optional<Machine>> find(MachineId id) {
    return cached(machines, anyTenantKey(id.value()), () -> delegate.find(id));
  }

  @Override
  public Future<List<Machine>> list(Optional<String> tenant) {
    return delegate.list(tenant);
  }

  @Override
  public Future<List<Machine>> page(String afterKey, int limit) {
    return delegate.page(afterKey, limit);
  }

  @Override
  public Future<List<HistoryEntry>> history(MachineId id) {
    return delegate.history(id);
  }

  @Override
  public Future<List<BootProfile>> profiles(Optional<String> tenant) {
    return delegate.profiles(tenant);
  }

  @Override
  public Future<List<ArtifactRecord>> artifacts() {
    return delegate.artifacts();
  }

  /**
   * Drops what another replica's write changed (a {@link ChangeFeed} message); anything it does
   * not recognise drops everything.
   */
  public void invalidate(String change) {
    writes.incrementAndGet();
    String[] parts = change == null ? new String[0] : change.trim().split(" ");
    if (parts.length >= 2 && parts[0].equals("p")) {
      drop(profiles, "p|", parts[1]);
    } else if (parts.length >= 2 && parts[0].equals("a")) {
      drop(artifacts, "a|", parts[1]);
    } else if (parts.length >= 3 && parts[0].equals("m")) {
      for (int i = 2; i < parts.length; i++) {
        drop(machines, "m|", parts[1] + "|" + parts[i]);
        drop(machines, "m|", anyTenantKey(parts[i]));
      }
    } else {
      invalidateAll();
    }
  }

  /** Drops every cached entry (e.g. after the change feed reconnected and may have missed some). */
  public void invalidateAll() {
    clearedAt = writes.incrementAndGet();
    machines.clear();
    profiles.clear();
    artifacts.clear();
  }

  /** Entries currently held (for tests and metrics). */
  public int size() {
    return machines.size() + profiles.size() + artifacts.size();
  }
}
