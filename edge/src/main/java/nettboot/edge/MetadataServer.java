package nettboot.edge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import nettboot.core.admin.AdminService;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.boot.BootService;
import nettboot.core.delivery.ConfigDelivery;
import nettboot.core.delivery.DeliverySettings;
import nettboot.core.delivery.InstallArguments;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.ConfigValidator;
import nettboot.core.talos.TalosSchema;
import nettboot.core.talos.events.InstallEvidence;
import nettboot.core.talos.events.InstallTracker;

/**
 * The metadata server: boot, config, admin and ops listeners on every event loop, over one store.
 * Start-up fails fast (with the listener and address named) when a certificate is unreadable, the
 * OpenSSL engine is missing or a port is taken.
 */
public final class MetadataServer {
  private final Vertx vertx;
  private final List<String> deployments;
  private final EdgeVerticle.Ports ports;
  private final Metrics metrics;

  private MetadataServer(Vertx vertx, List<String> deployments, EdgeVerticle.Ports ports, Metrics metrics) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.ports = ports;
    this.metrics = metrics;
  }

  /**
   * Starts the listeners, one instance per event loop sharing each port. The store must be
   * migrated already. Port 0 means "a free port chosen at start-up" (tests, labs).
   */
  public static Future<MetadataServer> start(Vertx vertx, EdgeConfig config, MachineStore store,
      JsonLog log, Clock clock) {
    return start(vertx, config, store, null, log, clock);
  }

  /**
   * As above, with config delivery: install netboots of machines that have a config get
   * {@code talos.config=<config listener URL with a per-boot token>} and {@code talos.config.early}.
   */
  public static Future<MetadataServer> start(Vertx vertx, EdgeConfig config, MachineStore store,
      nettboot.core.store.ConfigStore configs, JsonLog log, Clock clock) {
    try {
      TlsOptions.requireOpenSsl();
      ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
      CertificateStatus certs = new CertificateStatus(List.of(config.serverCert(), config.clientCa()), clock);
      EdgeVerticle.Ports ports = new EdgeVerticle.Ports(resolve(config.boot()),
          resolve(config.config()), resolve(config.admin()), resolve(config.ops()),
          config.events() == null || configs == null ? -1 : resolve(config.events()));
      DeliverySettings delivery = DeliverySettings.of(ports.config(), config.configTokenTtl(),
          java.nio.file.Files.readString(config.clientCa()), ports.events());
      EdgeServices services = new EdgeServices(config, store, artifacts, new Metrics(), log, clock,
          certs,
          new BootService(store, configs == null ? null : new InstallArguments(configs, delivery, clock), clock),
          new ConfigDelivery(store, configs, clock),
          configs == null ? null : new InstallEvidence(store, configs,
              new InstallTracker(InstallTracker.DEFAULT_CAPACITY), clock),
          new AdminService(store, configs, () -> new ConfigValidator(TalosSchema.load()), vertx, clock),
          OpenApi.load(),
          VerifiedClientCertificates.forCa(config.clientCa(), clock), new ChunkBudget.PerLoop());
      return vertx.deployVerticle(() -> new EdgeVerticle(services, ports),
              new DeploymentOptions().setInstances(config.eventLoops()))
          .map(id -> new MetadataServer(vertx, List.of(id), ports, services.metrics()));
    } catch (java.io.IOException e) {
      return Future.failedFuture(new nettboot.core.error.InvalidInputException(
          config.clientCa().toString(), "cannot read the platform CA: " + e.getMessage()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A concrete port for the address: itself, or a free one when it is 0. */
  private static int resolve(ListenAddress a) {
    if (a.port() != 0) {
      return a.port();
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(a.host(), 0));
      return probe.getLocalPort();
    } catch (java.io.IOException e) {
      throw new nettboot.core.error.UnavailableException("cannot find a free port on " + a.host()
          + ": " + e.getMessage(), e);
    }
  }

  public int bootPort() {
    return ports.boot();
  }

  public int configPort() {
    return ports.config();
  }

  public int adminPort() {
    return ports.admin();
  }

  public int opsPort() {
    return ports.ops();
  }

  /** The Talos events sink port, or -1 when the sink is off. */
  public int eventsPort() {
    return ports.events();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Stops every listener (in-flight requests are cut). */
  public Future<Void> close() {
    Future<Void> f = Future.succeededFuture();
    for (String id : deployments) {
      f = f.compose(x -> vertx.undeploy(id));
    }
    return f;
  }
}
