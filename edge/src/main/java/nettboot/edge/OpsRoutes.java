package nettboot.edge;

import io.vertx.ext.web.Router;

/**
 * The ops listener: {@code /metrics} (Prometheus), {@code /healthz} (the process answers) and
 * {@code /readyz} (certificates valid and the store's last readiness probe, a write and a boot
 * read each within its deadline, succeeded and is fresh: {@link ReadinessProbe}; withdraw the
 * anycast route when not). {@code /readyz} itself touches no store: it answers in microseconds.
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
      String storeProblem = services.storeReadiness().get();
      if (storeProblem.isEmpty()) {
        HttpErrors.sendText(ctx.response(), 200, "ready");
      } else {
        HttpErrors.sendText(ctx.response(), 503, "not ready: " + storeProblem);
      }
    });
    TextErrors.install(r, services);
    return r;
  }
}
