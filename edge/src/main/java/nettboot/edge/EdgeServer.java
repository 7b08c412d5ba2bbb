package nettboot.edge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.store.CachingMachineStore;
import nettboot.core.store.ChangeFeed;
import nettboot.core.store.MachineStore;
import nettboot.core.store.RevocationStore;
import nettboot.core.store.SqliteDataDir;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.StoreLocation;
import nettboot.core.store.Stores;

/**
 * The metadata server as it runs: the one place that puts it together, for {@code serve} and for
 * the tests alike. From {@link Settings} it creates its Vert.x, opens and migrates the stores,
 * puts the boot cache in front of the machine store (warmed before the listeners open, refreshed
 * every half TTL by a worker verticle, and on PostgreSQL kept current by the {@link ChangeFeed}),
 * starts the {@link ReadinessProbe} behind {@code /readyz}, sweeps interrupted uploads, and opens
 * the listeners. On SQLite it first restricts the data directory's modes (0700, files 0600). {@link #close} stops all of it in reverse.
 *
 * <p>Threading: {@link #start} and {@link #close} block the calling thread until the server is up
 * or down, so they are called from a thread that is not a Vert.x thread (the command's main
 * thread, a test); the server owns its Vert.x instance. The blocking file work of start-up
 * (opening the SQLite file, the artifact directories and their sweep, reading certificates) runs
 * on a worker of that instance, never on an event loop.
 */
public final class EdgeServer {
  /** Below this TTL the cache is not refreshed in the background (it expires first). */
  private static final Duration MIN_REFRESHED_TTL = Duration.ofSeconds(10);
  private static final Duration MAX_CACHE_TTL = Duration.ofMinutes(1);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  /** How often the server certificate files are checked for a replacement. */
  public static final Duration CERTIFICATE_CHECK = Duration.ofSeconds(10);

  /**
   * What the server is built from, validated.
   *
   * @param edge listeners, certificates, artifact directory and limits
   * @param store where the inventory database is
   * @param cacheTtl how long a replica may answer boots from memory (0: no boot cache), up to 1 min
   */
  public record Settings(EdgeConfig edge, StoreLocation store, Duration cacheTtl) {
    public Settings {
      Objects.requireNonNull(edge, "edge");
      Objects.requireNonNull(store, "store");
      if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
        throw new InvalidInputException("cache-ttl", cacheTtl + " is outside 0..60 s");
      }
    }
  }

  private final Vertx vertx;
  private final Stores stores;
  private final MachineStore machines;
  private final MetadataServer listeners;
  private final List<AutoCloseable> feeds;
  private final JsonLog log;

  private EdgeServer(Vertx vertx, Stores stores, MachineStore machines, MetadataServer listeners,
      List<AutoCloseable> feeds, JsonLog log) {
    this.vertx = vertx;
    this.stores = stores;
    this.machines = machines;
    this.listeners = listeners;
    this.feeds = feeds;
    this.log = log;
  }

  /**
   * Starts the server and returns once every listener is up. On any error everything started so
   * far is stopped again and the error is thrown (a domain error, naming the setting).
   */
  public static EdgeServer start(Settings settings, JsonLog log, Clock clock) {
    return start(settings, log, clock, UnaryOperator.identity());
  }

  /**
   * As {@link #start(Settings, JsonLog, Clock)}, with {@code intercept} applied to the stores as
   * they are opened (tests put a fault injector there).
   */
  static EdgeServer start(Settings settings, JsonLog log, Clock clock, UnaryOperator<Stores> intercept) {
    EdgeConfig config = settings.edge();
    // Native epoll transport where available (Linux x86_64): fewer syscalls and wake-ups than NIO
    // under a reboot storm of short connections; Vert.x falls back to NIO elsewhere.
    // The server's Vert.x reports its HTTP, connection, event-loop and JVM meters into metrics.
    Metrics metrics = new Metrics();
    Vertx vertx = metrics.newVertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops())
        .setPreferNativeTransport(true));
    Starting s = new Starting(vertx, settings, log);
    try {
      EdgeServer server = await(vertx.executeBlocking(
              () -> intercept.apply(s.open()), false)
          .compose(s::migrate)
          .compose(v -> s.probe(clock))
          .compose(probe -> s.revocations(clock).compose(revocations -> s.cache()
              .compose(m -> MetadataServer.start(vertx, config, m, s.stores.configs(),
                  s.stores.control(), s.signal, probe::problem, log, metrics, clock, revocations)
              .map(listeners -> new EdgeServer(vertx, s.stores, m, listeners, s.feeds, log))))),
          START_TIMEOUT, "starting the server");
      server.logStarted(settings);
      server.watchCertificate();
      return server;
    } catch (RuntimeException e) {
      try {
        s.abandon();
      } catch (RuntimeException stopping) {
        e.addSuppressed(stopping);
      }
      throw e;
    }
  }

  /**
   * What a start has built so far (written on Vert.x threads, read by the starting thread), so a
   * failed start can take it down again.
   */
  private static final class Starting {
    final Vertx vertx;
    final Settings settings;
    final JsonLog log;
    final List<AutoCloseable> feeds = new CopyOnWriteArrayList<>();
    final EventSignal signal = new EventSignal();
    volatile Stores stores;
    /** The stores as opened, before any interception (the revocation list reads them). */
    volatile Stores opened;

    Starting(Vertx vertx, Settings settings, JsonLog log) {
      this.vertx = vertx;
      this.settings = settings;
      this.log = log;
    }

    /**
     * Opens the stores (blocking: runs on a worker). On SQLite first restricts the data directory
     * to 0700 and its database files to 0600, with a warning per mode that was looser.
     */
    Stores open() {
      if (settings.store() instanceof StoreLocation.Sqlite sqlite) {
        for (String corrected : SqliteDataDir.securePermissions(sqlite.dataDir())) {
          log.warn("data_file_mode_corrected", Map.of("detail", corrected));
        }
      }
      opened = StoreFactory.open(vertx, settings.store());
      return opened;
    }

    /**
     * The revocation list: the stored revocations loaded, on PostgreSQL kept current by the
     * revocations change feed, and the external CRLs loaded (each must verify) and refreshed.
     */
    Future<Revocations> revocations(Clock clock) {
      EdgeConfig c = settings.edge();
      Revocations revocations = new Revocations(RevocationStore.over(opened.database()),
          c.bootDomain(), log);
      Future<?> ready = revocations.load().onSuccess(n -> {
        if (n > 0) {
          log.info("revocations_loaded", Map.of("count", n));
        }
      });
      if (settings.store() instanceof StoreLocation.Postgres pg) {
        ready = ready.compose(v -> ChangeFeed.start(vertx, pg.url(), ChangeFeed.REVOCATIONS,
            change -> revocations.changed(vertx), () -> revocations.changed(vertx)))
            .onSuccess(feeds::add);
      }
      return ready.compose(v -> vertx.executeBlocking(() -> ExternalCrls.startBlocking(vertx,
              c.crl(), c.clientCa(), revocations, log, clock), false))
          .onSuccess(feeds::add)
          .map(revocations);
    }

    /**
     * The readiness probe on the store itself (not the cache), once its first probe has an
     * outcome: a server whose store works is ready as soon as its listeners are open.
     */
    Future<ReadinessProbe> probe(Clock clock) {
      ReadinessProbe probe = new ReadinessProbe(stores.machines(), stores.database(), clock, log);
      return vertx.deployVerticle(probe,
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
          .compose(id -> probe.firstOutcome())
          .map(probe);
    }

    Future<Void> migrate(Stores opened) {
      stores = opened;
      return opened.migrate();
    }

    /** The machine store the listeners use: the cache in front of the store, when there is one. */
    Future<MachineStore> cache() {
      Duration ttl = settings.cacheTtl();
      if (ttl.isZero()) {
        Future<MachineStore> plain = Future.succeededFuture(stores.machines());
        if (settings.store() instanceof StoreLocation.Postgres pg) {
          // the event feed's followers learn of other replicas' changes at once
          return ChangeFeed.start(vertx, pg.url(), change -> signal.fire(), signal::fire)
              .onSuccess(feeds::add).map(f -> stores.machines());
        }
        return plain;
      }
      CachingMachineStore cache = new CachingMachineStore(stores.machines(), ttl);
      // The hot set: every machine in memory before the listeners open, so a storm of machines
      // that each ask once is served without a query per machine.
      long t0 = System.nanoTime();
      Future<?> ready = cache.warm().onSuccess(n -> log.info("boot_cache_warmed", Map.of(
          "machines", n, "ms", (System.nanoTime() - t0) / 1_000_000)));
      if (ttl.compareTo(MIN_REFRESHED_TTL) >= 0) {
        ready = ready.compose(v -> vertx.deployVerticle(
            new CacheWarmer(cache, ttl.toMillis() / 2, log),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
      }
      if (settings.store() instanceof StoreLocation.Postgres pg) {
        // other replicas' writes reach this cache at once, not only after the TTL
        // (and the event feed's followers learn of them)
        ready = ready.compose(v -> ChangeFeed.start(vertx, pg.url(), change -> {
          cache.invalidate(change);
          signal.fire();
        }, () -> {
          cache.invalidateAll();
          signal.fire();
        })).onSuccess(feeds::add);
      }
      return ready.map(cache);
    }

    void abandon() {
      closeAll(feeds);
      if (stores != null) {
        stores.close();
      }
      await(vertx.close(), STOP_TIMEOUT, "stopping Vert.x");
    }
  }

  /** Checks the certificate files every {@link #CERTIFICATE_CHECK} on a worker. */
  private void watchCertificate() {
    vertx.setPeriodic(CERTIFICATE_CHECK.toMillis(), id -> vertx.executeBlocking(
        () -> listeners.reload().checkBlocking(vertx), false));
  }

  private void logStarted(Settings s) {
    EdgeConfig c = s.edge();
    log.info("server_started", Map.of(
        "boot", new ListenAddress(c.boot().host(), bootPort()).toString(),
        "config", new ListenAddress(c.config().host(), configPort()).toString(),
        "admin", new ListenAddress(c.admin().host(), adminPort()).toString(),
        "ops", new ListenAddress(c.ops().host(), opsPort()).toString(),
        "events", eventsPort() > 0 ? new ListenAddress(c.events().host(), eventsPort()).toString() : "off",
        "store", s.store().kind(),
        "event_loops", c.eventLoops(),
        "transport", vertx.isNativeTransportEnabled() ? "native" : "nio",
        "cache_ttl_ms", s.cacheTtl().toMillis(),
        "boot_domain", c.bootDomain()));
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // closing on the way down: nothing left to tell the caller
      }
    }
  }

  /**
   * Checks the server certificate files now and, when they changed and hold a whole pair, reloads
   * them on every TLS listener without dropping connections; true when it reloaded. Also runs every
   * {@link #CERTIFICATE_CHECK}. Blocks: call it from a thread that is not one of the server's.
   */
  public boolean reloadServerCertificate() {
    return await(vertx.executeBlocking(() -> listeners.reload().checkBlocking(vertx), false),
        START_TIMEOUT, "reloading the server certificate");
  }

  /** The server's own Vert.x instance. */
  public Vertx vertx() {
    return vertx;
  }

  /** The opened stores (as opened: without the boot cache). */
  public Stores stores() {
    return stores;
  }

  /** The machine store the listeners use (the boot cache, when it is on). */
  public MachineStore machines() {
    return machines;
  }

  public int bootPort() {
    return listeners.bootPort();
  }

  public int configPort() {
    return listeners.configPort();
  }

  public int adminPort() {
    return listeners.adminPort();
  }

  public int opsPort() {
    return listeners.opsPort();
  }

  /** The Talos events sink port, or -1 when the sink is off. */
  public int eventsPort() {
    return listeners.eventsPort();
  }

  public Metrics metrics() {
    return listeners.metrics();
  }

  /**
   * Stops the listeners (in-flight requests are cut), the change feed, the stores and Vert.x, in
   * that order, and returns when they are stopped; the log stays open for its owner to close.
   */
  public void close() {
    try {
      await(listeners.close(), STOP_TIMEOUT, "stopping the listeners");
    } finally {
      closeAll(feeds);
      stores.close();
      await(vertx.close(), STOP_TIMEOUT, "stopping Vert.x");
      log.info("server_stopped", Map.of());
    }
  }

  /** Waits on the calling thread (never one of the server's own) for a step of start or stop. */
  private static <T> T await(Future<T> f, Duration timeout, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new UnavailableException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new UnavailableException(what + " did not finish within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + " was interrupted", e);
    }
  }
}
