package nettboot.edge;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import nettboot.core.boot.BootAnswer;
import nettboot.core.boot.BootUrls;
import nettboot.core.machine.MachineId;
import nettboot.core.pki.ClientIdentity;

/**
 * The boot listener: {@code GET /v1/boot/{id}} answers iPXE with a script (200) or "boot your
 * disk" (404), and {@code GET|HEAD /v1/artifacts/{name}}. Only tenant certificates are served;
 * a tenant sees only its own machines, and another tenant's machine looks exactly like an unknown
 * one. The answer is core's {@link nettboot.core.boot.BootService}; this class parses the id and
 * the tenant and maps the answer to HTTP.
 */
final class BootRoutes {
  static final String LISTENER = "boot";
  /** One body for unknown, foreign and localboot machines, so none can be told apart. */
  static final String LOCALBOOT_BODY = "no netboot for this machine: boot the local disk";
  static final String RATE_LIMITED_BODY = "too many boot requests: try again later";
  /** Rendered URL bases kept per instance (local address and port pairs are few). */
  private static final int MAX_URL_BASES = 64;

  private final EdgeServices services;
  /** Confined to this instance's event loop. */
  private final Map<String, String> urlBases = new HashMap<>();
  /** Confined to this instance's event loop. */
  private final BootLookupBudget budget;

  BootRoutes(EdgeServices services) {
    this.services = services;
    this.budget = new BootLookupBudget(services.config().limits(), services.config().eventLoops());
  }

  Router router(io.vertx.core.Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> RequestScope.install(ctx, LISTENER, services));
    router.route().handler(this::requireTenant);
    router.get("/v1/boot/:id").handler(this::boot);
    ArtifactRoutes artifacts = new ArtifactRoutes(services);
    router.get("/v1/artifacts/:name").handler(artifacts::serve);
    router.head("/v1/artifacts/:name").handler(artifacts::serve);
    TextErrors.install(router, services);
    return router;
  }

  private void requireTenant(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    if (RevocationGuard.refused(ctx, LISTENER, services)) {
      return;
    }
    ClientIdentity who = PeerIdentity.of(ctx.request().connection(), services.config().bootDomain());
    if (who instanceof ClientIdentity.Tenant t) {
      scope.tenant = t.name();
      scope.actor = t.subject();
      ctx.next();
      return;
    }
    scope.note = "not a tenant certificate";
    HttpErrors.sendText(ctx.response(), 403, "forbidden: the boot listener serves tenant certificates only");
  }

  private void boot(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    scope.endpoint = "boot";
    long t0 = System.nanoTime();
    MachineId id;
    try {
      id = MachineId.parse(ctx.pathParam("id"));
    } catch (RuntimeException e) {
      services.metrics().decision("bad_request", System.nanoTime() - t0);
      TextErrors.fail(ctx, services, e);
      return;
    }
    SocketAddress remote = ctx.request().remoteAddress();
    BootLookupBudget.Verdict verdict = budget.take(scope.tenant,
        remote == null ? "-" : remote.hostAddress(), t0);
    if (!verdict.allowed()) {
      // iPXE's chain fails on the 429 and the medium boots the local disk
      services.metrics().bootLookupRefused(verdict.limit());
      services.metrics().decision("rate_limited", System.nanoTime() - t0);
      scope.note = "rate limited (" + verdict.limit() + ")";
      ctx.response().putHeader("retry-after", Integer.toString(verdict.retryAfterSeconds()));
      HttpErrors.sendText(ctx.response(), 429, RATE_LIMITED_BODY);
      return;
    }
    services.boot().answer(scope.tenant, id, baseUrl(ctx)).onComplete(ar -> {
      if (ar.failed()) {
        services.metrics().decision("error", System.nanoTime() - t0);
        TextErrors.fail(ctx, services, ar.cause());
        return;
      }
      BootAnswer a = ar.result();
      services.metrics().decision(a.outcome(), System.nanoTime() - t0);
      scope.note = a.outcome();
      switch (a) {
        case BootAnswer.Script script -> ctx.response()
            .putHeader("content-type", "text/plain; charset=utf-8")
            .putHeader("cache-control", "no-store")
            .end(script.script());
        case BootAnswer.NotFound nf -> {
          nf.ownerTenant().ifPresent(owner -> services.log().warn("boot_cross_tenant",
              JsonLog.fields("tenant", scope.tenant, "id", id.value(), "owner_tenant", owner)));
          HttpErrors.sendText(ctx.response(), 404, LOCALBOOT_BODY);
        }
        case BootAnswer.Localboot l -> HttpErrors.sendText(ctx.response(), 404, LOCALBOOT_BODY);
      }
    });
  }

  /**
   * The URL base of the address this request arrived on (the anycast address in production), so
   * kernel and initrd come from the same replica and address that answered. The local addresses
   * are few (the anycast address, loopback): each instance keeps their rendered form, bounded.
   */
  private String baseUrl(RoutingContext ctx) {
    SocketAddress local = ctx.request().connection().localAddress();
    String key = local.hostAddress() + "|" + local.port();
    String base = urlBases.get(key);
    if (base == null) {
      if (urlBases.size() >= MAX_URL_BASES) {
        urlBases.clear();
      }
      base = BootUrls.urlBase(local.hostAddress(), local.port());
      urlBases.put(key, base);
    }
    return base;
  }
}
