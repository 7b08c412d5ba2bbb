package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import nettboot.core.boot.BootDecider;
import nettboot.core.boot.BootDecision;
import nettboot.core.boot.IpxeScript;
import nettboot.core.error.ConflictException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import java.util.OptionalLong;
import nettboot.core.pki.Addresses;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigToken;
import nettboot.core.pki.ClientIdentity;

/**
 * The boot listener: {@code GET /v1/boot/{id}} answers iPXE with a script (200) or "boot your
 * disk" (404), and {@code GET|HEAD /v1/artifacts/{name}}. Only tenant certificates are served;
 * a tenant sees only its own machines, and another tenant's machine looks exactly like an unknown
 * one.
 */
final class BootRoutes {
  static final String LISTENER = "boot";
  /** One body for unknown, foreign and localboot machines, so none can be told apart. */
  static final String LOCALBOOT_BODY = "no netboot for this machine: boot the local disk";
  private static final int MAX_DECISION_ATTEMPTS = 3;
  /** The history actor of transitions the boot listener makes itself. */
  static final String SYSTEM_ACTOR = "system:boot-listener";

  private final EdgeServices services;

  BootRoutes(EdgeServices services) {
    this.services = services;
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
    String baseUrl = baseUrl(ctx);
    decide(scope.tenant, id, baseUrl, 1).onComplete(ar -> {
      if (ar.failed()) {
        services.metrics().decision("error", System.nanoTime() - t0);
        TextErrors.fail(ctx, services, ar.cause());
        return;
      }
      Answer a = ar.result();
      services.metrics().decision(a.outcome, System.nanoTime() - t0);
      scope.note = a.outcome;
      if (a.script == null) {
        HttpErrors.sendText(ctx.response(), 404, LOCALBOOT_BODY);
      } else {
        ctx.response().putHeader("content-type", "text/plain; charset=utf-8")
            .putHeader("cache-control", "no-store")
            .end(a.script);
      }
    });
  }

  private record Answer(String outcome, String script) {}

  private Future<Answer> decide(String tenant, MachineId id, String baseUrl, int attempt) {
    return services.store().findForTenant(tenant, id).compose(found -> {
      if (found.isEmpty()) {
        return crossTenantCheck(tenant, id).map(owner -> new Answer(owner ? "foreign" : "unknown", null));
      }
      Machine m = found.get();
      Future<Optional<BootProfile>> profile = m.profile() == null
          ? Future.succeededFuture(Optional.empty())
          : services.store().profile(m.profile());
      return profile.compose(p -> {
        BootDecision d = BootDecider.decide(m, p);
        return switch (d) {
          case BootDecision.Localboot l -> Future.succeededFuture(new Answer("localboot", null));
          case BootDecision.PowerOff off ->
              Future.succeededFuture(new Answer("poweroff", IpxeScript.powerOff(m, off.reason())));
          case BootDecision.Netboot n -> {
            String outcome = n.purpose().name().toLowerCase(java.util.Locale.ROOT);
            Future<?> recorded;
            if (n.markWipeServed()) {
              // The one-shot wipe is recorded before it is served.
              recorded = services.store().markWipeServed(m.key(), m.version(), services.clock().instant());
            } else if (n.startsProvisioning()) {
              recorded = services.store().transition(id, MachineState.PROVISIONING,
                  OptionalLong.of(m.version()), SYSTEM_ACTOR, "first install boot: netboot script served",
                  services.clock().instant());
            } else {
              recorded = Future.succeededFuture();
            }
            // If another boot of the same machine (or an operator) raced us, decide again on the
            // fresh record.
            yield recorded
                .compose(x -> withConfig(m, n, baseUrl))
                .map(full -> new Answer(outcome, IpxeScript.netboot(m, full, baseUrl)))
                .recover(e -> e instanceof ConflictException && attempt < MAX_DECISION_ATTEMPTS
                    ? decide(tenant, id, baseUrl, attempt + 1)
                    : Future.failedFuture(e));
          }
        };
      });
    });
  }

  /**
   * For an install boot of a machine that has a Talos config: mints a per-boot token (only its hash
   * is stored) and adds {@code talos.config=<config listener URL>} and {@code talos.config.early}
   * to the kernel arguments. Other boots are returned unchanged.
   */
  private Future<BootDecision.Netboot> withConfig(Machine m, BootDecision.Netboot n, String baseUrl) {
    if (services.configs() == null || n.purpose() != BootDecision.Purpose.INSTALL) {
      return Future.succeededFuture(n);
    }
    return services.configs().config(m.key()).compose(cfg -> {
      if (cfg.isEmpty()) {
        return Future.succeededFuture(n);
      }
      ConfigDelivery d = services.delivery();
      String token = d.tokens.mint();
      java.time.Instant now = services.clock().instant();
      ConfigStore.TokenRecord rec = new ConfigStore.TokenRecord(ConfigToken.hash(token), m.key(),
          m.tenant(), Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()),
          now, now.plus(d.tokenTtl));
      String url = configUrl(baseUrl, d.configPort) + "/v1/config/" + m.displayId() + "?token=" + token;
      java.util.List<String> args = new java.util.ArrayList<>(n.extraKernelArgs());
      args.add("talos.config=" + url);
      args.add(d.earlyArgument);
      if (d.eventsPort > 0) {
        args.add("talos.events.sink=" + eventsSink(baseUrl, d.eventsPort));
      }
      return services.configs().putToken(rec).map(x -> new BootDecision.Netboot(n.profile(),
          n.purpose(), args, n.markWipeServed(), n.startsProvisioning()));
    });
  }

  /** {@code [address]:port} of the events sink on the host of the boot URL base (gRPC target form). */
  static String eventsSink(String bootBase, int eventsPort) {
    return urlHost(bootBase) + ":" + eventsPort;
  }

  /** The config listener on the same host as the boot URL base. */
  static String configUrl(String bootBase, int configPort) {
    return "https://" + urlHost(bootBase) + (configPort == 443 ? "" : ":" + configPort);
  }

  /** The host of a boot URL base without its port: {@code [fd00::1]} or a name. */
  private static String urlHost(String bootBase) {
    String host = bootBase.substring("https://".length());
    return host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":[0-9]+$", "");
  }

  /**
   * Whether the id belongs to another tenant's machine. The answer to the client is the same 404
   * either way; the attempt is logged for the operator (a medium of one tenant asking for another
   * tenant's machine is a misconfiguration or a probe).
   */
  private Future<Boolean> crossTenantCheck(String tenant, MachineId id) {
    return services.store().find(id).map(other -> {
      if (other.isPresent() && !other.get().tenant().equals(tenant)) {
        services.log().warn("boot_cross_tenant", HttpErrors.fields(
            "tenant", tenant, "id", id.value(), "owner_tenant", other.get().tenant()));
        return true;
      }
      return false;
    }).otherwise(false);
  }

  /**
   * The URL base of the address this request arrived on (the anycast address in production), so
   * kernel and initrd come from the same replica and address that answered.
   */
  static String baseUrl(RoutingContext ctx) {
    SocketAddress local = ctx.request().connection().localAddress();
    return URL_BASES.computeIfAbsent(local.hostAddress() + "|" + local.port(),
        k -> urlBase(local.hostAddress(), local.port()));
  }

  /** Local addresses are few (the anycast address, loopback): cache their rendered form. */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> URL_BASES =
      new java.util.concurrent.ConcurrentHashMap<>();

  static String urlBase(String hostAddress, int port) {
    String host = hostAddress;
    int zone = host.indexOf('%');
    String zoneSuffix = zone >= 0 ? "%25" + host.substring(zone + 1) : "";
    String bare = zone >= 0 ? host.substring(0, zone) : host;
    if (bare.contains(":")) {
      // RFC 5952 form (fd00::1, not fd00:0:0:0:0:0:0:1), as operators and iPXE write it.
      host = "[" + Addresses.ipLiteral(bare).map(Addresses::canonical).orElse(bare) + zoneSuffix + "]";
    }
    return "https://" + host + (port == 443 ? "" : ":" + port);
  }
}
