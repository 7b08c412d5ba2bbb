package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import nettboot.core.admin.AdminService;
import nettboot.core.admin.Provisioning;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.Names;
import nettboot.core.power.TenantSettings;
import nettboot.core.store.ControlStore;

/**
 * The admin calls that drive machines and let Maskin follow them: a machine's BMC, a tenant's
 * lifecycle settings, the one provision call (idempotent; an {@code Idempotency-Key} header
 * replays the stored answer to a retry) and the event feed ({@link EventRoutes}).
 */
final class ControlRoutes {
  /** Longest accepted Idempotency-Key. */
  static final int MAX_KEY = 200;

  private final AdminRoutes routes;
  private final EdgeServices services;
  private final AdminService admin;

  ControlRoutes(AdminRoutes routes, EdgeServices services) {
    this.routes = routes;
    this.services = services;
    this.admin = services.admin();
  }

  void mount(Router r) {
    r.put("/v1/admin/machines/:id/bmc").handler(ctx -> routes.handle(ctx, "admin_bmc_put", () -> putBmc(ctx)));
    r.get("/v1/admin/machines/:id/bmc").handler(ctx -> routes.handle(ctx, "admin_bmc",
        () -> admin.bmc(AdminRoutes.machineId(ctx))
            .map(b -> AdminRoutes.json(200, ControlJson.bmc(ctx.pathParam("id"), b)))));
    r.put("/v1/admin/tenants/:tenant/settings").handler(ctx -> routes.handle(ctx, "admin_tenant_put",
        () -> putSettings(ctx)));
    r.get("/v1/admin/tenants/:tenant/settings").handler(ctx -> routes.handle(ctx, "admin_tenant",
        () -> admin.tenantSettings(tenant(ctx))
            .map(s -> AdminRoutes.json(200, ControlJson.tenantSettings(s)))));
    r.post("/v1/admin/machines/:id/provision").handler(ctx -> routes.handle(ctx, "admin_provision",
        () -> idempotent(ctx, () -> provision(ctx))));
    r.get("/v1/admin/events").handler(new EventRoutes(services)::follow);
  }

  private Future<AdminRoutes.Reply> putBmc(RoutingContext ctx) {
    JsonObject b = AdminJson.body(ctx.body().buffer());
    MachineId id = AdminRoutes.machineId(ctx);
    return admin.putBmc(id, AdminJson.required(b, "url"), AdminJson.required(b, "certificate"),
            AdminJson.required(b, "user"), AdminJson.str(b, "passwordFile"), AdminJson.str(b, "passwordEnv"))
        .map(saved -> AdminRoutes.json(200, ControlJson.bmc(ctx.pathParam("id"), Optional.of(saved))));
  }

  private Future<AdminRoutes.Reply> putSettings(RoutingContext ctx) {
    String tenant = tenant(ctx);
    JsonObject b = AdminJson.body(ctx.body().buffer());
    String media = AdminJson.str(b, "mediaUrl");
    TenantSettings s = new TenantSettings(tenant, Optional.ofNullable(AdminJson.str(b, "rescueProfile")),
        Optional.ofNullable(AdminJson.str(b, "eraseProfile")),
        Optional.ofNullable(media).map(TenantSettings::parseMediaUrl), services.clock().instant());
    return admin.putTenantSettings(s).map(saved -> AdminRoutes.json(200, ControlJson.tenantSettings(saved)));
  }

  private Future<AdminRoutes.Reply> provision(RoutingContext ctx) {
    JsonObject b = AdminJson.body(ctx.body().buffer());
    String tenant = AdminJson.str(b, "tenant");
    TenantScope.require(ctx, tenant);
    if (tenant == null && TenantScope.limited(ctx) && RequestScope.of(ctx).tenants.get().size() == 1) {
      tenant = RequestScope.of(ctx).tenants.get().iterator().next();
    }
    Provisioning.Request req = new Provisioning.Request(AdminRoutes.machineId(ctx), tenant,
        AdminJson.str(b, "role"), AdminJson.str(b, "profile"), AdminJson.str(b, "config"),
        ControlJson.flag(b, "reboot"));
    return admin.provision(req, RequestScope.of(ctx).actor)
        .map(o -> AdminRoutes.json(o.enrolled() ? 201 : 200, ControlJson.provisioned(o)));
  }

  /**
   * With an {@code Idempotency-Key}: the first successful answer is stored (per certificate
   * subject and key) and replayed to every retry of the same request; the same key with another
   * request is refused. Failures are not stored: the retry runs again.
   */
  private Future<AdminRoutes.Reply> idempotent(RoutingContext ctx, AdminRoutes.Action action) {
    String key = ctx.request().getHeader("idempotency-key");
    if (key == null) {
      return action.run();
    }
    if (key.isEmpty() || key.length() > MAX_KEY || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new InvalidInputException("Idempotency-Key", "1.." + MAX_KEY + " printable ASCII characters");
    }
    String subject = RequestScope.of(ctx).actor;
    Buffer body = ctx.body().buffer();
    String sha = ArtifactStore.sha256((ctx.request().method() + " " + ctx.request().path() + "\n"
        + (body == null ? "" : body.toString(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8));
    return admin.control().compose(control -> control.answer(subject, key).compose(stored -> {
      if (stored.isPresent()) {
        return Future.succeededFuture(replay(ctx, stored.get(), sha));
      }
      return action.run().compose(reply -> control.remember(subject, key,
              new ControlStore.StoredAnswer(sha, reply.status(), String.valueOf(reply.body())),
              services.clock().instant())
          .map(kept -> kept.requestSha256().equals(sha) && kept.body().equals(String.valueOf(reply.body()))
              ? reply : replay(ctx, kept, sha)));
    }));
  }

  private static AdminRoutes.Reply replay(RoutingContext ctx, ControlStore.StoredAnswer a, String sha) {
    if (!a.requestSha256().equals(sha)) {
      throw new InvalidInputException("Idempotency-Key", "already used with a different request");
    }
    ctx.response().putHeader("idempotent-replayed", "true");
    return AdminRoutes.json(a.status(), new JsonObject(a.body()));
  }

  private static String tenant(RoutingContext ctx) {
    String t = Names.requireTenant("tenant", ctx.pathParam("tenant"));
    TenantScope.require(ctx, t);
    return t;
  }
}
