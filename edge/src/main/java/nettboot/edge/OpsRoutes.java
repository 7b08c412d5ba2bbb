package nettboot.edge;

import io.vertx.ext.web.Router;

/**
 * The ops listener: {@code /metrics} (Prometheus), {@code /healthz} (the process answers) and
 * {@code /readyz} (store reachable and certificates valid; withdraw the anycast route when not).
 */
final class OpsRoutes {
  static final String LISTENER = "ops";
  private final EdgeServices services;

  OpsRoutes(EdgeServices services) {
    this.services = services;
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    r.get("/metrics").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "metrics";
      ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(services.metrics().render());
    });
    r.get("/healthz").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "healthz";
      HttpErrors.sendText(ctx.response(), 200, "ok");
    });
    r.get("/readyz").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "readyz";
      String certProblem = services.certificates().problem();
      if (!certProblem.isEmpty()) {
        HttpErrors.sendText(ctx.response(), 503, "not ready: " + certProblem);
        return;
      }
      services.store().ping().onComplete(ar -> {
        if (ar.succeeded()) {
          HttpErrors.sendText(ctx.response(), 200, "ready");
        } else {
          HttpErrors.sendText(ctx.response(), 503, "not ready: store unreachable: "
              + HttpErrors.message(ar.cause(), RequestScope.of(ctx).id));
        }
      });
    });
    TextErrors.install(r, services);
    return r;
  }
}
