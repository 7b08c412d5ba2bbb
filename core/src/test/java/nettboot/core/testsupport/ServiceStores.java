package nettboot.core.testsupport;

import static nettboot.core.testsupport.Futures.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import nettboot.core.error.ConflictException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.Stores;

/**
 * A real, migrated SQLite store (machines and configs) under a directory, a clock tests move, and
 * a fault-injecting wrapper that makes chosen store calls lose the optimistic race.
 */
public final class ServiceStores implements AutoCloseable {
  public static final String ACTOR = "admin:test";
  public final Vertx vertx = Vertx.vertx();
  public final MachineStore machines;
  public final ConfigStore configs;
  public final TestClock clock = new TestClock(Instant.parse("2026-06-01T10:00:00Z"));
  private final Stores stores;

  public ServiceStores(Path dir) {
    this.stores = StoreFactory.sqlite(vertx, dir);
    await(stores.migrate());
    this.machines = stores.machines();
    this.configs = stores.configs();
  }

  /** Uploads the two artifacts and stores a profile of {@code tenant} named {@code name}. */
  public BootProfile profile(String tenant, String name) {
    for (String a : List.of("vmlinuz", "initramfs.xz")) {
      await(machines.putArtifact(new ArtifactRecord(a, "0".repeat(64), 1, clock.instant())));
    }
    return await(machines.putProfile(new BootProfile(name, tenant, "vmlinuz", "initramfs.xz",
        "console=ttyS0", clock.instant())));
  }

  /** Enrols a machine (state New) with a fresh UUID. */
  public Machine enroll(String tenant, String profile) {
    return await(machines.enroll(Enrollment.of(java.util.UUID.randomUUID().toString(), List.of(),
        tenant, "worker", null, profile), ACTOR, clock.instant()));
  }

  /**
   * {@code store} whose calls of {@code method} fail with a ConflictException the first
   * {@code times} times (as when another writer won the race); everything else is passed through.
   */
  public static MachineStore conflicting(MachineStore store, String method, int times, AtomicInteger calls) {
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().equals(method) && calls.incrementAndGet() <= times) {
        return Future.failedFuture(new ConflictException("machine changed meanwhile (injected)"));
      }
      try {
        return m.invoke(store, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (MachineStore) Proxy.newProxyInstance(MachineStore.class.getClassLoader(),
        new Class<?>[] {MachineStore.class}, h);
  }

  @Override
  public void close() {
    stores.close();
    await(vertx.close());
  }

  /** A clock that stands still until a test moves it. */
  public static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
