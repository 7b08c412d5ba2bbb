package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigToken;

/**
 * The config listener for Talos (server-only TLS: Talos cannot present a client certificate):
 * {@code GET /v1/config/{id}?token=…}. The token was minted for one install boot of this machine
 * (bound to machine, tenant and boot; only its hash is stored), expires, and stops working once
 * the machine is installed (state Active or beyond). Every refusal is the same 403, so a token
 * holder learns nothing about other machines. The access log records the path only, never the
 * query, so tokens are not logged here.
 */
final class ConfigRoutes {
  static final String LISTENER = "config";
  /** States in which a machine may still fetch its install config. */
  static final Set<MachineState> INSTALLING =
      EnumSet.of(MachineState.NEW, MachineState.PROVISIONING, MachineState.REPROVISION);
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
    ConfigStore configs = services.configs();
    if (configs == null) {
      HttpErrors.sendText(ctx.response(), 404, "config delivery is not enabled on this server");
      return;
    }
    Future<String> answer;
    try {
      MachineId id = MachineId.parse(ctx.pathParam("id"));
      String hash = ConfigToken.hash(ctx.request().getParam("token"));
      answer = configs.token(hash).compose(token -> {
        if (token.isEmpty() || !services.clock().instant().isBefore(token.get().expiresAt())) {
          return refused("unknown or expired token");
        }
        ConfigStore.TokenRecord t = token.get();
        return services.store().find(id).compose(m -> {
          if (m.isEmpty() || !m.get().key().equals(t.machineKey()) || !m.get().tenant().equals(t.tenant())) {
            return refused("token of another machine");
          }
          if (!INSTALLING.contains(m.get().state())) {
            return refused("machine is " + m.get().state() + ": installed, tokens no longer work");
          }
          scope.tenant = t.tenant();
          scope.note = "boot " + t.bootId();
          return configs.config(t.machineKey()).compose(c -> c.isPresent()
              // Where this boot's Talos lives: its events sink is attributed by this address.
              ? configs.recordFetch(hash, id.value(), TalosEventSink.canonical(
                      ctx.request().remoteAddress().hostAddress()), services.clock().instant())
                  .map(x -> c.get().body())
              : Future.failedFuture(new NotFoundException("no machine config is published for this machine")));
        });
      });
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("content-type", "application/yaml")
            .putHeader("cache-control", "no-store")
            .end(ar.result());
      } else if (ar.cause() instanceof ForbiddenException f) {
        scope.note = f.getMessage();
        HttpErrors.sendText(ctx.response(), 403, REFUSED);
      } else {
        TextErrors.fail(ctx, services, ar.cause());
      }
    });
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new ForbiddenException(why));
  }
}
