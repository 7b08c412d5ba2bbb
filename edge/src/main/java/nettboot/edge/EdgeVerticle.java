package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * One instance of the four listeners on one event loop. The server deploys one instance per event
 * loop; Vert.x spreads accepted connections over them.
 */
final class EdgeVerticle extends VerticleBase {
  private final EdgeServices services;
  private final Ports ports;
  final List<HttpServer> servers = new ArrayList<>();

  /** The ports to bind (0 = pick one: only for the first instance). */
  record Ports(int boot, int config, int admin, int ops, int events) {}

  EdgeVerticle(EdgeServices services, Ports ports) {
    this.services = services;
    this.ports = ports;
  }

  @Override
  public Future<?> start() {
    EdgeConfig c = services.config();
    RevocationGuard bootTrust = RevocationGuard.of(BootRoutes.LISTENER, services);
    RevocationGuard adminTrust = RevocationGuard.of(AdminRoutes.LISTENER, services);
    List<Future<?>> all = new ArrayList<>(List.of(
        tls(BootRoutes.LISTENER, TlsOptions.tls(c, c.boot(), bootTrust).setPort(ports.boot()),
            new BootRoutes(services).router(vertx), bootTrust),
        tls(ConfigRoutes.LISTENER, TlsOptions.tls(c, c.config(), null).setPort(ports.config()),
            new ConfigRoutes(services).router(vertx), null),
        tls(AdminRoutes.LISTENER, TlsOptions.tls(c, c.admin(), adminTrust).setPort(ports.admin()),
            new AdminRoutes(services).router(vertx), adminTrust),
        listen(OpsRoutes.LISTENER, TlsOptions.base(c, c.ops()).setPort(ports.ops()),
            new OpsRoutes(services).router(vertx))));
    if (ports.events() > 0) {
      all.add(listen(TalosEventSink.LISTENER, TalosEventSink.options(c).setPort(ports.events()),
          new TalosEventSink(services).handler(vertx)));
    }
    return Future.all(all);
  }

  /** A TLS listener: also registered for the certificate reload with its client verification. */
  private Future<HttpServer> tls(String listener, HttpServerOptions options,
      io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler,
      javax.net.ssl.X509TrustManager clientTrust) {
    Future<HttpServer> f = listen(listener, options, handler);
    services.reload().add(new ServerCertificateReload.Listener(listener, servers.get(servers.size() - 1),
        clientTrust));
    return f;
  }

  private Future<HttpServer> listen(String listener, HttpServerOptions options,
      io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    long headMillis = services.config().limits().requestHeadTimeout().toMillis();
    HttpServer server = vertx.createHttpServer(options)
        .connectionHandler(conn -> ConnectionGuard.install(conn, options, headMillis,
            () -> services.metrics().protocolError(listener, "request_head_timeout")))
        .requestHandler(handler)
        .exceptionHandler(t -> failure(listener, t));
    servers.add(server);
    return server.listen().recover(e -> Future.failedFuture(new nettboot.core.error.UnavailableException(
        bindFailure(listener, new ListenAddress(options.getHost(), options.getPort()), e), e)));
  }

  /**
   * One line naming the setting to change: every listener's address is the {@code --<listener>-listen}
   * option of {@code serve} (and {@code demo}); the events sink may also be turned off.
   */
  static String bindFailure(String listener, ListenAddress address, Throwable cause) {
    String option = "--" + listener + "-listen";
    String why = String.valueOf(cause.getMessage());
    String what = why.toLowerCase(java.util.Locale.ROOT).contains("already in use")
        ? " is already in use" : ": cannot listen (" + why.lines().findFirst().orElse("") + ")";
    return option + " " + address + what + "; pass " + option + " ADDR:PORT"
        + (TalosEventSink.LISTENER.equals(listener) ? " or off" : "");
  }

  Ports actualPorts() {
    return new Ports(servers.get(0).actualPort(), servers.get(1).actualPort(),
        servers.get(2).actualPort(), servers.get(3).actualPort(),
        servers.size() > 4 ? servers.get(4).actualPort() : -1);
  }

  /**
   * A connection-level failure: TLS handshake failures are counted apart from HTTP protocol errors
   * (malformed or oversized requests, framing), which are not the handshake's.
   */
  private void failure(String listener, Throwable t) {
    if (isTls(t)) {
      services.metrics().handshakeFailure(listener, kind(t));
    } else {
      services.metrics().protocolError(listener, kind(t));
    }
  }

  private static boolean isTls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof javax.net.ssl.SSLException
          || c instanceof io.netty.handler.ssl.SslHandshakeTimeoutException
          || c instanceof java.security.cert.CertificateException) {
        return true;
      }
    }
    return false;
  }

  private static String kind(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String name = root.getClass().getSimpleName();
    return name.isEmpty() ? "unknown" : name;
  }
}
