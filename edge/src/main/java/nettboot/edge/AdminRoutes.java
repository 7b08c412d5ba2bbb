package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import nettboot.core.admin.AdminService;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Names;
import nettboot.core.pki.ClientIdentity;

/**
 * The admin API (Nett, Maskin, operators): REST + JSON on its own mTLS listener, for admin
 * certificates only. The contract is {@code docs/openapi.yaml}, served at /v1/admin/openapi.yaml.
 * Each handler parses the request ({@link AdminJson}), calls core's {@link AdminService} (which
 * owns the rules) and renders the result.
 */
final class AdminRoutes {
  static final String LISTENER = "admin";
  private final EdgeServices services;
  private final AdminService admin;
  private final Buffer openapi;

  AdminRoutes(EdgeServices services) {
    this.services = services;
    this.admin = services.admin();
    this.openapi = Buffer.buffer(services.openapi());
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    r.route().handler(this::requireAdmin);
    ArtifactRoutes artifacts = new ArtifactRoutes(services);
    r.put("/v1/admin/artifacts/:name").handler(ctx -> {
      if (TenantScope.limited(ctx)) {
        TenantScope.refuse(ctx, "artifacts are shared by every tenant: a tenant-limited certificate cannot upload");
        return;
      }
      artifacts.upload(ctx);
    });
    r.get("/v1/admin/artifacts").handler(ctx -> handle(ctx, "admin_artifacts",
        () -> admin.artifacts().map(a -> json(200, AdminJson.artifacts(a)))));
    r.get("/v1/admin/openapi.yaml").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "admin_openapi";
      ctx.response().putHeader("content-type", "application/yaml").end(openapi);
    });
    BodyHandler body = BodyHandler.create(false)
        .setBodyLimit(services.config().maxAdminBodyBytes())
        .setHandleFileUploads(false);
    r.routeWithRegex("^/v1/admin/(machines|profiles|tenants)(/.*)?$").handler(body);
    TenantScope scope = new TenantScope(admin);
    r.route("/v1/admin/machines/:id").handler(scope::machine);
    r.route("/v1/admin/machines/:id/*").handler(scope::machine);
    new ControlRoutes(this, services).mount(r);
    new RevocationRoutes(services).install(r, body);
    r.post("/v1/admin/machines").handler(ctx -> handle(ctx, "admin_enroll", () -> enroll(ctx)));
    r.get("/v1/admin/machines").handler(ctx -> handle(ctx, "admin_list",
        () -> admin.machines(tenantParam(ctx)).map(ms -> json(200,
            AdminJson.machines(TenantScope.filter(ctx, ms, m -> m.tenant()))))));
    r.get("/v1/admin/machines/:id").handler(ctx -> handle(ctx, "admin_show",
        () -> admin.machine(id(ctx)).map(m -> json(200, AdminJson.machine(m)))));
    r.put("/v1/admin/machines/:id/state").handler(ctx -> handle(ctx, "admin_state", () -> transition(ctx)));
    r.put("/v1/admin/machines/:id/profile").handler(ctx -> handle(ctx, "admin_machine_profile",
        () -> setProfile(ctx)));
    r.get("/v1/admin/machines/:id/history").handler(ctx -> handle(ctx, "admin_history",
        () -> admin.history(id(ctx)).map(h -> json(200, AdminJson.history(h)))));
    r.put("/v1/admin/machines/:id/config").handler(ctx -> handle(ctx, "admin_config_put", () -> putConfig(ctx)));
    r.get("/v1/admin/machines/:id/config").handler(ctx -> handle(ctx, "admin_config_get",
        () -> admin.config(id(ctx)).map(yaml -> new Reply(200, "application/yaml", yaml))));
    r.put("/v1/admin/profiles/:name").handler(ctx -> handle(ctx, "admin_profile_put", () -> putProfile(ctx)));
    r.get("/v1/admin/profiles").handler(ctx -> handle(ctx, "admin_profiles",
        () -> admin.profiles(tenantParam(ctx)).map(ps -> json(200,
            AdminJson.profiles(TenantScope.filter(ctx, ps, p -> p.tenant()))))));
    r.get("/v1/admin/profiles/:name").handler(ctx -> handle(ctx, "admin_profile",
        () -> admin.profile(Names.requireProfile("name", ctx.pathParam("name")))
            .map(p -> TenantScope.visible(ctx, p, p.tenant(), "no profile named " + p.name()))
            .map(p -> json(200, AdminJson.profile(p)))));
    r.errorHandler(404, ctx -> HttpErrors.sendJson(ctx.response(), 404, error(ctx, "no such endpoint")));
    r.errorHandler(405, ctx -> HttpErrors.sendJson(ctx.response(), 405, error(ctx, "method not allowed")));
    r.errorHandler(413, ctx -> HttpErrors.sendJson(ctx.response(), 413,
        error(ctx, "request body larger than " + services.config().maxAdminBodyBytes() + " bytes")));
    r.errorHandler(400, ctx -> HttpErrors.sendJson(ctx.response(), 400, error(ctx, "bad request")));
    r.errorHandler(500, ctx -> fail(ctx, services, ctx.failure() == null
        ? new IllegalStateException("unknown failure") : ctx.failure()));
    return r;
  }

  private void requireAdmin(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    if (RevocationGuard.refused(ctx, LISTENER, services)) {
      return;
    }
    ClientIdentity who = PeerIdentity.of(ctx.request().connection(), services.config().bootDomain());
    if (who instanceof ClientIdentity.Admin a) {
      scope.actor = a.subject();
      scope.tenants = services.config().tenantsOf(a.name());
      ctx.next();
      return;
    }
    scope.note = "not an admin certificate";
    HttpErrors.sendJson(ctx.response(), 403,
        error(ctx, "forbidden: the admin API accepts admin certificates only"));
  }

  // ---- handlers that parse a body ----

  private Future<Reply> enroll(RoutingContext ctx) {
    JsonObject b = AdminJson.body(ctx.body().buffer());
    Enrollment e = Enrollment.of(AdminJson.str(b, "uuid"), AdminJson.strings(b, "macs"),
        AdminJson.str(b, "tenant"), AdminJson.str(b, "role"), AdminJson.str(b, "hostname"),
        AdminJson.str(b, "profile"));
    TenantScope.require(ctx, e.tenant());
    return admin.enroll(e, actor(ctx)).map(m -> json(201, AdminJson.machine(m)));
  }

  private Future<Reply> transition(RoutingContext ctx) {
    MachineId id = id(ctx);
    JsonObject b = AdminJson.body(ctx.body().buffer());
    MachineState to = MachineState.parse(AdminJson.required(b, "state"));
    String reason = Optional.ofNullable(AdminJson.str(b, "reason")).orElse("");
    return admin.transition(id, to, AdminJson.expectedVersion(b, ctx.request().getHeader("if-match")),
        actor(ctx), reason, ControlJson.flag(b, "reboot")).map(t -> json(200, ControlJson.transitioned(t)));
  }

  private Future<Reply> setProfile(RoutingContext ctx) {
    MachineId id = id(ctx);
    JsonObject b = AdminJson.body(ctx.body().buffer());
    return admin.setProfile(id, AdminJson.str(b, "profile"),
        AdminJson.expectedVersion(b, ctx.request().getHeader("if-match")))
        .map(m -> json(200, AdminJson.machine(m)));
  }

  private Future<Reply> putConfig(RoutingContext ctx) {
    MachineId id = id(ctx);
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      throw new InvalidInputException("body", "missing: send the machine config YAML");
    }
    return admin.putConfig(id, b.toString(StandardCharsets.UTF_8))
        .map(saved -> json(200, AdminJson.storedConfig(id.value(), saved)));
  }

  private Future<Reply> putProfile(RoutingContext ctx) {
    String name = Names.requireProfile("name", ctx.pathParam("name"));
    JsonObject b = AdminJson.body(ctx.body().buffer());
    BootProfile p = new BootProfile(name, AdminJson.required(b, "tenant"), AdminJson.required(b, "kernel"),
        AdminJson.required(b, "initrd"), AdminJson.str(b, "cmdline"), services.clock().instant());
    TenantScope.require(ctx, p.tenant());
    return admin.putProfile(p).map(saved -> json(200, AdminJson.profile(saved)));
  }

  // ---- plumbing ----

  /** A successful answer: a JSON object, or YAML text. */
  record Reply(int status, String contentType, Object body) {}

  static Reply json(int status, JsonObject body) {
    return new Reply(status, "application/json", body);
  }

  interface Action {
    Future<Reply> run();
  }

  /** Runs an action; synchronous validation errors and failed futures both become JSON errors. */
  void handle(RoutingContext ctx, String endpoint, Action action) {
    RequestScope.of(ctx).endpoint = endpoint;
    Future<Reply> f;
    try {
      f = action.run();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, services, ar.cause());
      } else if (ar.result().body() instanceof JsonObject o) {
        HttpErrors.sendJson(ctx.response(), ar.result().status(), o);
      } else {
        ctx.response().setStatusCode(ar.result().status())
            .putHeader("content-type", ar.result().contentType())
            .putHeader("cache-control", "no-store")
            .end(String.valueOf(ar.result().body()));
      }
    });
  }

  static void fail(RoutingContext ctx, EdgeServices services, Throwable t) {
    RequestScope scope = RequestScope.of(ctx);
    String rid = scope == null ? "-" : scope.id;
    if (!HttpErrors.isDomain(t)) {
      services.log().error("unexpected_error", JsonLog.fields("request_id", rid,
          "error", String.valueOf(t), "stack", TextErrors.stack(t)));
    } else if (scope != null) {
      scope.note = HttpErrors.message(t, rid);
    }
    HttpErrors.sendJson(ctx.response(), t, rid);
  }

  private static JsonObject error(RoutingContext ctx, String message) {
    RequestScope s = RequestScope.of(ctx);
    return AdminJson.error(s == null ? "-" : s.id, message);
  }

  private static MachineId id(RoutingContext ctx) {
    return MachineId.parse(ctx.pathParam("id"));
  }

  private static Optional<String> tenantParam(RoutingContext ctx) {
    String tenant = ctx.request().getParam("tenant");
    Optional<String> t = tenant == null || tenant.isEmpty() ? Optional.empty()
        : Optional.of(Names.requireTenant("tenant", tenant));
    t.ifPresent(name -> TenantScope.require(ctx, name));
    return t;
  }

  static MachineId machineId(RoutingContext ctx) {
    return id(ctx);
  }

  static String actor(RoutingContext ctx) {
    return RequestScope.of(ctx).actor;
  }
}
