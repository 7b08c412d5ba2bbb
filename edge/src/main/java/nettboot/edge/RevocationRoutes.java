package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.X509Certificate;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.ClientIdentity;
import nettboot.core.pki.Pem;
import nettboot.core.pki.Revocation;
import nettboot.core.pki.RevocationReason;

/**
 * The admin API's revocations: {@code POST /v1/admin/revocations} revokes a client certificate
 * (by {@code serial}, or by the PEM {@code certificate} itself, which also gives the tenant) with a
 * {@code reason}; {@code GET /v1/admin/revocations} lists them with the reasons one may give. A
 * revocation is final and takes effect on this replica before the answer, on the others through
 * the change feed ({@link Revocations}).
 */
final class RevocationRoutes {
  private final EdgeServices services;

  RevocationRoutes(EdgeServices services) {
    this.services = services;
  }

  void install(Router r, BodyHandler body) {
    r.route("/v1/admin/revocations").handler(body);
    r.post("/v1/admin/revocations").handler(ctx -> handle(ctx, "admin_revoke", () -> revoke(ctx)));
    r.get("/v1/admin/revocations").handler(ctx -> handle(ctx, "admin_revocations", () ->
        services.revocations().list().map(all -> {
          JsonArray items = new JsonArray();
          all.forEach(x -> items.add(json(x)));
          JsonArray reasons = new JsonArray();
          for (RevocationReason reason : RevocationReason.values()) {
            reasons.add(reason.wireName());
          }
          return new JsonObject().put("revocations", items).put("reasons", reasons);
        })));
  }

  private Future<JsonObject> revoke(RoutingContext ctx) {
    JsonObject b = AdminJson.body(ctx.body().buffer());
    String serial = AdminJson.str(b, "serial");
    String pem = AdminJson.str(b, "certificate");
    String tenant = AdminJson.str(b, "tenant");
    if ((serial == null) == (pem == null)) {
      throw new InvalidInputException("serial", "give exactly one of serial and certificate");
    }
    if (pem != null) {
      List<X509Certificate> certs = Pem.parseCertificates(pem, "certificate");
      X509Certificate leaf = certs.get(0);
      serial = Revocation.serialOf(leaf);
      if (tenant == null && ClientIdentity.of(leaf, services.config().bootDomain())
          instanceof ClientIdentity.Tenant t) {
        tenant = t.name();
      }
    }
    Revocation r = new Revocation(serial, tenant, RevocationReason.parse(AdminJson.str(b, "reason")),
        services.clock().instant(), RequestScope.of(ctx).actor);
    return services.revocations().revoke(r).map(added -> {
      ctx.response().setStatusCode(added.created() ? 201 : 200);
      return json(added.revocation());
    });
  }

  static JsonObject json(Revocation r) {
    return new JsonObject().put("serial", r.serial()).put("tenant", r.tenant())
        .put("reason", r.reason().wireName()).put("revokedAt", r.revokedAt().toString())
        .put("actor", r.actor());
  }

  private interface Action {
    Future<JsonObject> run();
  }

  private void handle(RoutingContext ctx, String endpoint, Action action) {
    RequestScope.of(ctx).endpoint = endpoint;
    Future<JsonObject> f;
    try {
      f = action.run();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        AdminRoutes.fail(ctx, services, ar.cause());
      } else {
        int status = ctx.response().getStatusCode();
        HttpErrors.sendJson(ctx.response(), status == 201 ? 201 : 200, ar.result());
      }
    });
  }
}
