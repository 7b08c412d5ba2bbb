package nettboot.edge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.store.MachineStore;

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
   * Starts the listeners. The store must be migrated already. The first instance binds the
   * configured ports (0 = any free port); the others share the ports it got.
   */
  public static Future<MetadataServer> start(Vertx vertx, EdgeConfig config, MachineStore store,
      JsonLog log, Clock clock) {
    try {
      TlsOptions.requireOpenSsl();
      ArtifactStore artifacts = new ArtifactStore(config.artifactDir());
      CertificateStatus certs = new CertificateStatus(List.of(config.serverCert(), config.clientCa()), clock);
      EdgeServices services = new EdgeServices(config, store, artifacts, new Metrics(), log, clock, certs);
      EdgeVerticle.Ports wanted = new EdgeVerticle.Ports(config.boot().port(), config.config().port(),
          config.admin().port(), config.ops().port());
      EdgeVerticle first = new EdgeVerticle(services, wanted);
      return vertx.deployVerticle(first).compose(id1 -> {
        EdgeVerticle.Ports actual = first.actualPorts();
        if (config.eventLoops() <= 1) {
          return Future.succeededFuture(new MetadataServer(vertx, List.of(id1), actual, services.metrics()));
        }
        return vertx.deployVerticle(() -> new EdgeVerticle(services, actual),
                new DeploymentOptions().setInstances(config.eventLoops() - 1))
            .map(id2 -> new MetadataServer(vertx, List.of(id1, id2), actual, services.metrics()))
            .recover(e -> vertx.undeploy(id1).transform(x -> Future.failedFuture(e)));
      });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
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
