package nettboot.edge;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import nettboot.core.error.ForbiddenException;
import nettboot.core.machine.MachineId;

/**
 * The config listener for Talos (server-only TLS: Talos cannot present a client certificate):
 * {@code GET /v1/config/{id}?token=…}. The token rules are core's
 * {@link nettboot.core.delivery.ConfigDelivery}; every refusal (a missing or malformed token or
 * machine id included) is the same 403, status, body and headers, so a token holder learns nothing
 * about other machines. The access log records the path only, never the query, so
 * tokens are not logged here.
 */
final class ConfigRoutes {
  static final String LISTENER = "config";
  private static final String REFUSED = "config token invalid, expired or no longer usable";

  private final EdgeServices services;

  ConfigRoutes(EdgeServices services) {
    this.services = services;
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    r.get("/v1/config/:id").handler(this::config);
    TextErrors.install(r, services);
    return r;
  }

  private void config(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    scope.endpoint = "config";
    MachineId id;
    try {
      id = MachineId.parse(ctx.pathParam("id"));
    } catch (RuntimeException e) {
      scope.note = "malformed machine id";
      HttpErrors.sendText(ctx.response(), 403, REFUSED);
      return;
    }
    services.delivery().fetch(id, ctx.request().getParam("token"), ctx.request().remoteAddress().hostAddress())
        .onComplete(ar -> {
          if (ar.succeeded()) {
            scope.tenant = ar.result().tenant();
            scope.note = "boot " + ar.result().bootId();
            ctx.response().putHeader("content-type", "application/yaml")
                .putHeader("cache-control", "no-store")
                .end(ar.result().body());
          } else if (ar.cause() instanceof ForbiddenException f) {
            scope.note = f.getMessage();
            HttpErrors.sendText(ctx.response(), 403, REFUSED);
          } else {
            TextErrors.fail(ctx, services, ar.cause());
          }
        });
  }
}
