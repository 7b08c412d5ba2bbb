package nettboot.edge;

import io.vertx.ext.web.Router;

/**
 * The config listener for Talos (server-only TLS: Talos cannot present a client certificate).
 * Machine configs are authorised by per-boot capability tokens; until config generation and token
 * minting exist, every config request is answered 404 (Talos keeps retrying), and no token is
 * ever logged (the access log records the path only, never the query).
 */
final class ConfigRoutes {
  static final String LISTENER = "config";
  private final EdgeServices services;

  ConfigRoutes(EdgeServices services) {
    this.services = services;
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    r.get("/v1/config/:id").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "config";
      HttpErrors.sendText(ctx.response(), 404, "no machine config is published for this machine");
    });
    TextErrors.install(r, services);
    return r;
  }
}
