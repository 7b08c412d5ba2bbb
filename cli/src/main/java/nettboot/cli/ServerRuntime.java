package nettboot.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.CachingMachineStore;
import nettboot.core.store.ChangeFeed;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.SqlMachineStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.StoreFactory;
import nettboot.edge.EdgeConfig;
import nettboot.edge.JsonLog;
import nettboot.edge.ListenAddress;
import nettboot.edge.MetadataServer;

/** A running metadata server with its Vert.x instance, store and log; closes them in order. */
final class ServerRuntime implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final Vertx vertx;
  final MachineStore store;
  final MetadataServer server;
  final JsonLog log;
  final EdgeConfig config;

  private final ChangeFeed feed;

  private ServerRuntime(Vertx vertx, MachineStore store, MetadataServer server, JsonLog log,
      EdgeConfig config, ChangeFeed feed) {
    this.feed = feed;
    this.vertx = vertx;
    this.store = store;
    this.server = server;
    this.log = log;
    this.config = config;
  }

  /** What 'serve' needs; validated by {@link #start}. */
  record Settings(Path pki, Path data, ListenAddress boot, ListenAddress configListen,
      ListenAddress admin, ListenAddress ops, String postgresUrl, int eventLoops, boolean accessLog,
      java.time.Duration cacheTtl, ListenAddress events) {}

  static ServerRuntime start(Settings s) {
    // Netty's pooled allocator rather than 4.2's adaptive default: about half the off-heap growth
    // per concurrent artifact download (docs/benchmarks.md); an explicit -D setting wins.
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
    EmbeddedCa ca = EmbeddedCa.load(s.pki());
    try {
      Files.createDirectories(s.data());
    } catch (IOException e) {
      throw new InvalidInputException("--data", "cannot create " + s.data() + ": " + e.getMessage());
    }
    EdgeConfig base = EdgeConfig.of(s.boot(), s.configListen(), s.admin(), s.ops(),
        ca.serverCertPath(), ca.serverKeyPath(), ca.rootCertPath(), ca.bootDomain(),
        s.data().resolve("artifacts"));
    int loops = s.eventLoops() > 0 ? s.eventLoops() : base.eventLoops();
    EdgeConfig config = new EdgeConfig(base.boot(), base.config(), base.admin(), base.ops(),
        base.serverCert(), base.serverKey(), base.clientCa(), base.bootDomain(), base.artifactDir(),
        loops, base.maxAdminBodyBytes(), base.maxArtifactBytes(), base.idleTimeout(),
        base.handshakeTimeout(), s.accessLog(), base.configTokenTtl(), s.events());
    JsonLog log = new JsonLog(System.out);
    // Native epoll transport where available (Linux x86_64): fewer syscalls and wake-ups than NIO
    // under a reboot storm of short connections; Vert.x falls back to NIO elsewhere.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    MachineStore store = null;
    ChangeFeed feed = null;
    try {
      store = s.postgresUrl() == null || s.postgresUrl().isBlank()
          ? StoreFactory.sqlite(vertx, s.data())
          : StoreFactory.postgres(vertx, s.postgresUrl());
      Await.result(store.migrate(), START_TIMEOUT, "database migration");
      ConfigStore configs = store instanceof SqlMachineStore sql ? sql.configStore() : null;
      if (!s.cacheTtl().isZero()) {
        CachingMachineStore cache = new CachingMachineStore(store, s.cacheTtl());
        store = cache;
        // The hot set: every machine in memory before the listeners open, so a storm of machines
        // that each ask once is served without a query per machine; refreshed every half TTL.
        long t0 = System.nanoTime();
        int warmed = Await.result(cache.warm(), START_TIMEOUT, "loading the boot cache");
        log.info("boot_cache_warmed", java.util.Map.of("machines", warmed,
            "ms", (System.nanoTime() - t0) / 1_000_000));
        if (s.cacheTtl().compareTo(Duration.ofSeconds(10)) >= 0) {
          Await.result(vertx.deployVerticle(new CacheWarmer(cache, s.cacheTtl().toMillis() / 2, log),
                  new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER)),
              START_TIMEOUT, "starting the boot cache refresher");
        }
        if (s.postgresUrl() != null && !s.postgresUrl().isBlank()) {
          // other replicas' writes reach this cache at once, not only after the TTL
          feed = Await.result(ChangeFeed.start(vertx, s.postgresUrl(), cache::invalidate,
              cache::invalidateAll), START_TIMEOUT, "subscribing to the change feed");
        }
      }
      MetadataServer server = Await.result(
          MetadataServer.start(vertx, config, store, configs, log, Clock.systemUTC()), START_TIMEOUT,
          "starting the listeners");
      log.info("server_started", java.util.Map.of(
          "boot", new ListenAddress(config.boot().host(), server.bootPort()).toString(),
          "config", new ListenAddress(config.config().host(), server.configPort()).toString(),
          "admin", new ListenAddress(config.admin().host(), server.adminPort()).toString(),
          "ops", new ListenAddress(config.ops().host(), server.opsPort()).toString(),
          "events", server.eventsPort() > 0
              ? new ListenAddress(config.events().host(), server.eventsPort()).toString() : "off",
          "store", s.postgresUrl() == null || s.postgresUrl().isBlank() ? "sqlite" : "postgresql",
          "event_loops", loops,
          "transport", vertx.isNativeTransportEnabled() ? "native" : "nio",
          "cache_ttl_ms", s.cacheTtl().toMillis(),
          "boot_domain", ca.bootDomain()));
      return new ServerRuntime(vertx, store, server, log, config, feed);
    } catch (RuntimeException e) {
      if (feed != null) {
        feed.close();
      }
      if (store != null) {
        store.close();
      }
      Await.result(vertx.close(), Duration.ofSeconds(10), "stopping Vert.x");
      log.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      Await.result(server.close(), Duration.ofSeconds(10), "stopping the listeners");
    } finally {
      if (feed != null) {
        feed.close();
      }
      store.close();
      Await.result(vertx.close(), Duration.ofSeconds(10), "stopping Vert.x");
      log.info("server_stopped", java.util.Map.of());
      log.close();
    }
  }
}
