package nettboot.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.StoreLocation;
import nettboot.edge.EdgeConfig;
import nettboot.edge.EdgeServer;
import nettboot.edge.JsonLog;
import nettboot.edge.ListenAddress;

/**
 * {@code serve} and {@code demo}: the metadata server ({@link EdgeServer}, which wires it) on
 * the command line's settings, with its JSON log on stdout; closes both in order.
 */
final class ServerRuntime implements AutoCloseable {
  final EdgeServer server;
  final JsonLog log;

  private ServerRuntime(EdgeServer server, JsonLog log) {
    this.server = server;
    this.log = log;
  }

  /** What 'serve' needs; validated by {@link #start}. */
  record Settings(Path pki, Path data, ListenAddress boot, ListenAddress configListen,
      ListenAddress admin, ListenAddress ops, String postgresUrl, int eventLoops, boolean accessLog,
      Duration cacheTtl, ListenAddress events, nettboot.edge.ClientLimits limits, boolean init,
      java.util.Map<String, java.util.Set<String>> adminTenants,
      nettboot.edge.CrlSources crl) {}

  /** Starts the server from the main thread; blocks until it listens (or fails, named). */
  static ServerRuntime start(Settings s) {
    EmbeddedCa ca = EmbeddedCa.load(s.pki());
    DataDirectory.create(s.data());
    EdgeConfig base = EdgeConfig.of(s.boot(), s.configListen(), s.admin(), s.ops(),
        ca.serverCertPath(), ca.serverKeyPath(), ca.rootCertPath(), ca.bootDomain(),
        s.data().resolve("artifacts"));
    EdgeConfig config = base
        .withEventLoops(s.eventLoops() > 0 ? s.eventLoops() : base.eventLoops())
        .withAccessLog(s.accessLog())
        .withEvents(s.events())
        .withLimits(s.limits())
        .withAdminTenants(s.adminTenants())
        .withCrl(s.crl());
    EdgeServer.Settings settings = new EdgeServer.Settings(config,
        StoreLocation.of(s.data(), s.postgresUrl(), s.init()), s.cacheTtl());
    Clock clock = Clock.systemUTC();
    JsonLog log = new JsonLog(System.out, clock);
    try {
      return new ServerRuntime(EdgeServer.start(settings, log, clock), log);
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      log.close();
    }
  }
}
