package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Names;
import nettboot.core.pki.ClientIdentity;
import nettboot.core.store.ArtifactRecord;

/**
 * The admin API (Nett, Maskin, operators): REST + JSON on its own mTLS listener, for admin
 * certificates only. The contract is {@code openapi.yaml}, served at /v1/admin/openapi.yaml.
 */
final class AdminRoutes {
  static final String LISTENER = "admin";
  private final EdgeServices services;
  private final Buffer openapi;

  AdminRoutes(EdgeServices services) {
    this.services = services;
    try (InputStream in = AdminRoutes.class.getResourceAsStream("/nettboot/edge/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml missing from the edge jar");
      }
      this.openapi = Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.yaml", e);
    }
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    r.route().handler(this::requireAdmin);
    ArtifactRoutes artifacts = new ArtifactRoutes(services);
    r.put("/v1/admin/artifacts/:name").handler(artifacts::upload);
    r.get("/v1/admin/artifacts").handler(this::listArtifacts);
    r.get("/v1/admin/openapi.yaml").handler(ctx -> {
      RequestScope.of(ctx).endpoint = "admin_openapi";
      ctx.response().putHeader("content-type", "application/yaml").end(openapi);
    });
    BodyHandler body = BodyHandler.create(false)
        .setBodyLimit(services.config().maxAdminBodyBytes())
        .setHandleFileUploads(false);
    r.routeWithRegex("^/v1/admin/(machines|profiles)(/.*)?$").handler(body);
    r.post("/v1/admin/machines").handler(this::enroll);
    r.get("/v1/admin/machines").handler(this::list);
    r.get("/v1/admin/machines/:id").handler(this::show);
    r.put("/v1/admin/machines/:id/state").handler(this::transition);
    r.put("/v1/admin/machines/:id/profile").handler(this::setProfile);
    r.get("/v1/admin/machines/:id/history").handler(this::history);
    r.put("/v1/admin/machines/:id/config").handler(this::putConfig);
    r.get("/v1/admin/machines/:id/config").handler(this::getConfig);
    r.put("/v1/admin/profiles/:name").handler(this::putProfile);
    r.get("/v1/admin/profiles").handler(this::listProfiles);
    r.get("/v1/admin/profiles/:name").handler(this::showProfile);
    r.errorHandler(404, ctx -> HttpErrors.sendJson(ctx.response(), 404, error(ctx, "no such endpoint")));
    r.errorHandler(405, ctx -> HttpErrors.sendJson(ctx.response(), 405, error(ctx, "method not allowed")));
    r.errorHandler(413, ctx -> HttpErrors.sendJson(ctx.response(), 413,
        error(ctx, "request body larger than " + services.config().maxAdminBodyBytes() + " bytes")));
    r.errorHandler(400, ctx -> HttpErrors.sendJson(ctx.response(), 400, error(ctx, "bad request")));
    r.errorHandler(500, ctx -> fail(ctx, services, ctx.failure() == null
        ? new IllegalStateException("unknown failure") : ctx.failure()));
    return r;
  }

  private static JsonObject error(RoutingContext ctx, String message) {
    RequestScope s = RequestScope.of(ctx);
    return new JsonObject().put("error", message).put("requestId", s == null ? "-" : s.id);
  }

  static void fail(RoutingContext ctx, EdgeServices services, Throwable t) {
    RequestScope scope = RequestScope.of(ctx);
    String rid = scope == null ? "-" : scope.id;
    if (!HttpErrors.isDomain(t)) {
      services.log().error("unexpected_error", HttpErrors.fields("request_id", rid,
          "error", String.valueOf(t), "stack", TextErrors.stack(t)));
    } else if (scope != null) {
      scope.note = HttpErrors.message(t, rid);
    }
    HttpErrors.sendJson(ctx.response(), t, rid);
  }

  private void requireAdmin(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    ClientIdentity who = PeerIdentity.of(ctx.request().connection(), services.config().bootDomain());
    if (who instanceof ClientIdentity.Admin a) {
      scope.actor = a.subject();
      ctx.next();
      return;
    }
    scope.note = "not an admin certificate";
    HttpErrors.sendJson(ctx.response(), 403,
        error(ctx, "forbidden: the admin API accepts admin certificates only"));
  }

  // ---- machines ----

  private void enroll(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_enroll";
    handle(ctx, () -> {
      JsonObject b = body(ctx);
      Enrollment e = Enrollment.of(str(b, "uuid"), strings(b, "macs"), str(b, "tenant"),
          str(b, "role"), str(b, "hostname"), str(b, "profile"));
      return services.store().enroll(e, actor(ctx), services.clock().instant())
          .map(m -> new Reply(201, machineJson(m)));
    });
  }

  private void list(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_list";
    handle(ctx, () -> {
      String tenant = ctx.request().getParam("tenant");
      Optional<String> t = tenant == null || tenant.isEmpty() ? Optional.empty()
          : Optional.of(Names.requireTenant("tenant", tenant));
      return services.store().list(t).map(ms -> {
        JsonArray a = new JsonArray();
        ms.forEach(m -> a.add(machineJson(m)));
        return new Reply(200, new JsonObject().put("machines", a));
      });
    });
  }

  private void show(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_show";
    handle(ctx, () -> findOr404(ctx).map(m -> new Reply(200, machineJson(m))));
  }

  private void transition(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_state";
    handle(ctx, () -> {
      MachineId id = MachineId.parse(ctx.pathParam("id"));
      JsonObject b = body(ctx);
      MachineState to = MachineState.parse(required(b, "state"));
      String reason = Optional.ofNullable(str(b, "reason")).orElse("");
      requireLine("reason", reason, 1024);
      return services.store().transition(id, to, expectedVersion(ctx, b), actor(ctx), reason,
          services.clock().instant()).map(m -> new Reply(200, machineJson(m)));
    });
  }

  private void setProfile(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_machine_profile";
    handle(ctx, () -> {
      MachineId id = MachineId.parse(ctx.pathParam("id"));
      JsonObject b = body(ctx);
      String profile = str(b, "profile");
      if (profile != null) {
        Names.requireProfile("profile", profile);
      }
      return services.store().setProfile(id, profile, expectedVersion(ctx, b),
          services.clock().instant()).map(m -> new Reply(200, machineJson(m)));
    });
  }

  private void history(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_history";
    handle(ctx, () -> {
      MachineId id = MachineId.parse(ctx.pathParam("id"));
      return services.store().history(id).map(h -> {
        JsonArray a = new JsonArray();
        for (HistoryEntry e : h) {
          a.add(new JsonObject()
              .put("version", e.version())
              .put("from", e.from().map(MachineState::wireName).orElse(null))
              .put("to", e.to().wireName())
              .put("actor", e.actor())
              .put("reason", e.reason())
              .put("at", e.at().toString()));
        }
        return new Reply(200, new JsonObject().put("history", a));
      });
    });
  }

  // ---- Talos machine configs ----

  /** Parsed and schema-checked off the event loop; the schema is loaded once, on first use. */
  private volatile nettboot.core.talos.MachineConfigGenerator checker;

  private void putConfig(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_config_put";
    handle(ctx, () -> {
      nettboot.core.store.ConfigStore configs = requireConfigs();
      MachineId id = MachineId.parse(ctx.pathParam("id"));
      Buffer b = ctx.body().buffer();
      if (b == null || b.length() == 0) {
        throw new InvalidInputException("body", "missing: send the machine config YAML");
      }
      String yaml = b.toString(java.nio.charset.StandardCharsets.UTF_8);
      return findOr404(ctx).compose(m -> ctx.vertx().executeBlocking(() -> {
        nettboot.core.talos.MachineConfigGenerator c = checker;
        if (c == null) {
          c = new nettboot.core.talos.MachineConfigGenerator(nettboot.core.talos.TalosSchema.load());
          checker = c;
        }
        List<com.fasterxml.jackson.databind.JsonNode> docs = c.parseAll(yaml, id.value());
        if (docs.isEmpty()) {
          throw new InvalidInputException("body", "no YAML document");
        }
        c.validate(id.value(), docs);
        return m;
      }, false)).compose(m -> configs.putConfig(new nettboot.core.store.ConfigStore.StoredConfig(
          m.key(), yaml, nettboot.core.artifact.ArtifactStore.sha256(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          services.clock().instant())))
          .map(saved -> new Reply(200, new JsonObject().put("machine", id.value())
              .put("sha256", saved.sha256()).put("bytes", saved.body().length())
              .put("updatedAt", saved.updatedAt().toString())));
    });
  }

  private void getConfig(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_config_get";
    Future<String> f;
    try {
      nettboot.core.store.ConfigStore configs = requireConfigs();
      f = findOr404(ctx).compose(m -> configs.config(m.key())).compose(c -> c.isPresent()
          ? Future.succeededFuture(c.get().body())
          : Future.failedFuture(new NotFoundException("no config stored for this machine")));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("content-type", "application/yaml").putHeader("cache-control", "no-store")
            .end(ar.result());
      } else {
        fail(ctx, services, ar.cause());
      }
    });
  }

  private nettboot.core.store.ConfigStore requireConfigs() {
    if (services.configs() == null) {
      throw new NotFoundException("config delivery is not enabled on this server");
    }
    return services.configs();
  }

  // ---- profiles and artifacts ----

  private void putProfile(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_profile_put";
    handle(ctx, () -> {
      String name = Names.requireProfile("name", ctx.pathParam("name"));
      JsonObject b = body(ctx);
      BootProfile p = new BootProfile(name, required(b, "tenant"), required(b, "kernel"),
          required(b, "initrd"), str(b, "cmdline"), services.clock().instant());
      return requireArtifact("kernel", p.kernel())
          .compose(x -> requireArtifact("initrd", p.initrd()))
          .compose(x -> services.store().putProfile(p))
          .map(saved -> new Reply(200, profileJson(saved)));
    });
  }

  private Future<ArtifactRecord> requireArtifact(String field, String name) {
    return services.store().artifact(name).compose(a -> a.isPresent()
        ? Future.succeededFuture(a.get())
        : Future.failedFuture(new InvalidInputException(field,
            "artifact " + name + " has not been uploaded (PUT /v1/admin/artifacts/" + name + ")")));
  }

  private void listProfiles(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_profiles";
    handle(ctx, () -> {
      String tenant = ctx.request().getParam("tenant");
      Optional<String> t = tenant == null || tenant.isEmpty() ? Optional.empty()
          : Optional.of(Names.requireTenant("tenant", tenant));
      return services.store().profiles(t).map(ps -> {
        JsonArray a = new JsonArray();
        ps.forEach(p -> a.add(profileJson(p)));
        return new Reply(200, new JsonObject().put("profiles", a));
      });
    });
  }

  private void showProfile(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_profile";
    handle(ctx, () -> {
      String name = Names.requireProfile("name", ctx.pathParam("name"));
      return services.store().profile(name).compose(p -> p.isPresent()
          ? Future.succeededFuture(new Reply(200, profileJson(p.get())))
          : Future.failedFuture(new NotFoundException("no profile named " + name)));
    });
  }

  private void listArtifacts(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_artifacts";
    handle(ctx, () -> services.store().artifacts().map(list -> {
      JsonArray a = new JsonArray();
      for (ArtifactRecord r : list) {
        a.add(new JsonObject().put("name", r.name()).put("sha256", r.sha256())
            .put("size", r.size()).put("updatedAt", r.updatedAt().toString()));
      }
      return new Reply(200, new JsonObject().put("artifacts", a));
    }));
  }

  // ---- helpers ----

  private record Reply(int status, JsonObject body) {}

  private interface Action {
    Future<Reply> run();
  }

  /** Runs an action; synchronous validation errors and failed futures both become JSON errors. */
  private void handle(RoutingContext ctx, Action action) {
    Future<Reply> f;
    try {
      f = action.run();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        HttpErrors.sendJson(ctx.response(), ar.result().status(), ar.result().body());
      } else {
        fail(ctx, services, ar.cause());
      }
    });
  }

  private Future<Machine> findOr404(RoutingContext ctx) {
    MachineId id = MachineId.parse(ctx.pathParam("id"));
    return services.store().find(id).compose(m -> m.isPresent()
        ? Future.succeededFuture(m.get())
        : Future.failedFuture(new NotFoundException("no machine " + id.value())));
  }

  private static String actor(RoutingContext ctx) {
    return RequestScope.of(ctx).actor;
  }

  private static JsonObject body(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      throw new InvalidInputException("body", "missing JSON object");
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(b);
      if (v instanceof JsonObject o) {
        return o;
      }
      throw new InvalidInputException("body", "expected a JSON object");
    } catch (DecodeException e) {
      throw new InvalidInputException("body", "invalid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static String str(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new InvalidInputException(field, "expected a string");
    }
    return s;
  }

  private static String required(JsonObject b, String field) {
    String s = str(b, field);
    if (s == null || s.isEmpty()) {
      throw new InvalidInputException(field, "missing");
    }
    return s;
  }

  private static List<String> strings(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new InvalidInputException(field, "expected an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) {
        throw new InvalidInputException(field + "[" + i + "]", "expected a string");
      }
      out.add(s);
    }
    return out;
  }

  private static void requireLine(String field, String value, int max) {
    if (value.length() > max) {
      throw new InvalidInputException(field, "longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new InvalidInputException(field, "control characters are not allowed");
      }
    }
  }

  /** Optional optimistic check: body "expectedVersion" or an If-Match header with the version. */
  private static OptionalLong expectedVersion(RoutingContext ctx, JsonObject b) {
    Object v = b.getValue("expectedVersion");
    if (v != null) {
      if (!(v instanceof Number n) || n.longValue() < 0) {
        throw new InvalidInputException("expectedVersion", "expected a non-negative integer");
      }
      return OptionalLong.of(n.longValue());
    }
    String ifMatch = ctx.request().getHeader("if-match");
    if (ifMatch != null) {
      String t = ifMatch.trim().replace("\"", "");
      try {
        return OptionalLong.of(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("If-Match", "expected the machine version, e.g. \"7\"");
      }
    }
    return OptionalLong.empty();
  }

  static JsonObject machineJson(Machine m) {
    JsonArray macs = new JsonArray();
    m.macs().forEach(mac -> macs.add(mac.value()));
    JsonArray legal = new JsonArray();
    for (MachineState s : MachineState.values()) {
      if (Lifecycle.isLegal(m.state(), s)) {
        legal.add(s.wireName());
      }
    }
    return new JsonObject()
        .put("key", m.key())
        .put("uuid", m.uuid().map(MachineId.Uuid::value).orElse(null))
        .put("macs", macs)
        .put("tenant", m.tenant())
        .put("role", m.role().wireName())
        .put("hostname", m.hostname())
        .put("profile", m.profile())
        .put("state", m.state().wireName())
        .put("version", m.version())
        .put("wipeServed", m.wipeServed())
        .put("legalTransitions", legal)
        .put("createdAt", m.createdAt().toString())
        .put("updatedAt", m.updatedAt().toString());
  }

  static JsonObject profileJson(BootProfile p) {
    return new JsonObject().put("name", p.name()).put("tenant", p.tenant())
        .put("kernel", p.kernel()).put("initrd", p.initrd()).put("cmdline", p.cmdline())
        .put("updatedAt", p.updatedAt() == null ? null : p.updatedAt().toString());
  }
}
