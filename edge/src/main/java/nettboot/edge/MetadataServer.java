package nettboot.edge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import nettboot.core.admin.AdminService;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.boot.BootService;
import nettboot.core.delivery.ConfigDelivery;
import nettboot.core.delivery.DeliverySettings;
import nettboot.core.delivery.InstallArguments;
import nettboot.core.error.InvalidInputException;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.ControlStore;
import nettboot.core.power.PowerCycle;
import nettboot.core.redfish.ProvisioningFlow;
import nettboot.core.redfish.RedfishOptions;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.ConfigValidator;
import nettboot.core.talos.TalosSchema;
import nettboot.core.talos.events.InstallEvidence;
import nettboot.core.talos.events.InstallTracker;

/**
 * The listeners of the metadata server: boot, config, admin, ops (and the Talos events sink) on
 * every event loop, over the stores {@link EdgeServer} opened. Start-up fails fast (with the
 * listener and address named) when a certificate is unreadable, the OpenSSL engine is missing or a
 * port is taken.
 */
final class MetadataServer {
  private final Vertx vertx;
  private final List<String> deployments;
  private final EdgeVerticle.Ports ports;
  private final Metrics metrics;
  private final ServerCertificateReload reload;

  private MetadataServer(Vertx vertx, List<String> deployments, EdgeVerticle.Ports ports, Metrics metrics,
      ServerCertificateReload reload) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.ports = ports;
    this.metrics = metrics;
    this.reload = reload;
  }

  /**
   * Starts the listeners, one instance per event loop sharing each port, over migrated stores;
   * {@link EdgeServer} is the caller. Port 0 means "a free port chosen at start-up" (tests, labs).
   * The blocking preparation (artifact directories and the sweep of interrupted uploads,
   * certificate files, port probes) runs on a worker, so any thread may call this.
   */
  static Future<MetadataServer> start(Vertx vertx, EdgeConfig config, MachineStore store,
      ConfigStore configs, ControlStore control, EventSignal signal, Supplier<String> storeReadiness,
      JsonLog log, Metrics metrics, Clock clock, Revocations revocations) {
    if (vertx.exceptionHandler() == null) {
      // exceptions no handler caught: one JSON line with the stack, not raw text on stderr
      vertx.exceptionHandler(t -> log.error("uncaught_exception", JsonLog.fields(
          "error", String.valueOf(t), "stack", TextErrors.stack(t))));
    }
    return vertx.executeBlocking(() -> prepare(vertx, config, store, configs, control, signal, storeReadiness, log, metrics, clock, revocations), false)
        .compose(w -> vertx.deployVerticle(() -> new EdgeVerticle(w.services(), w.ports()),
                new DeploymentOptions().setInstances(config.eventLoops()))
            .map(id -> new MetadataServer(vertx, List.of(id), w.ports(), w.services().metrics(),
                w.services().reload())));
  }

  private record Wiring(EdgeServices services, EdgeVerticle.Ports ports) {}

  /** Everything the listener instances share; blocks on files. */
  private static Wiring prepare(Vertx vertx, EdgeConfig config, MachineStore store,
      ConfigStore configs, ControlStore control, EventSignal signal, Supplier<String> storeReadiness,
      JsonLog log, Metrics metrics, Clock clock, Revocations revocations) {
    TlsOptions.requireOpenSsl();
    ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
    // no upload is in flight before the listeners open: what is in incoming/ was interrupted
    artifacts.sweepIncoming();
    CertificateStatus certs = new CertificateStatus(List.of(config.serverCert(), config.clientCa()), clock);
    EdgeVerticle.Ports ports = new EdgeVerticle.Ports(resolve(config.boot()),
        resolve(config.config()), resolve(config.admin()), resolve(config.ops()),
        config.events() == null ? -1 : resolve(config.events()));
    String clientCa;
    try {
      clientCa = Files.readString(config.clientCa());
    } catch (IOException e) {
      throw new InvalidInputException(config.clientCa().toString(),
          "cannot read the platform CA: " + e.getMessage());
    }
    DeliverySettings delivery = DeliverySettings.of(ports.config(), config.configTokenTtl(),
        clientCa, ports.events());
    EdgeServices services = new EdgeServices(config, store, artifacts, metrics, log, clock,
        certs, storeReadiness,
        new BootService(store, control::tenantSettings, new InstallArguments(configs, delivery, clock), clock),
        new ConfigDelivery(store, configs, clock),
        new InstallEvidence(store, configs, new InstallTracker(InstallTracker.DEFAULT_CAPACITY), clock),
        new AdminService(store, configs, control, new PowerCycle(store, control,
            new ProvisioningFlow(vertx, RedfishOptions.defaults()), vertx, System::getenv, clock),
            () -> new ConfigValidator(TalosSchema.load()), vertx, clock),
        OpenApi.load(),
        VerifiedClientCertificates.forCa(config.clientCa(), clock), new ChunkBudget.PerLoop(), signal,
        revocations, new ServerCertificateReload(config, log));
    return new Wiring(services, ports);
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

  ServerCertificateReload reload() {
    return reload;
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
