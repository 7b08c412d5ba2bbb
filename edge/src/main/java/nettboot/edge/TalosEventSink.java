package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.pki.Addresses;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.events.EventRequestDecoder;
import nettboot.core.talos.events.InstallProgress;
import nettboot.core.talos.events.TalosEvent;

/**
 * The Talos events sink: {@code events.EventSinkService/Publish} over cleartext HTTP/2, exactly as
 * Talos dials the address in its {@code talos.events.sink} kernel argument (gRPC, insecure
 * credentials, one unary call per event, replayed from the last acknowledged event after a
 * reconnect).
 *
 * <p>Talos presents no identity on this channel, so an event is attributed to the machine whose
 * config was fetched with a valid per-boot token from the same source address (the config fetch
 * and the events come from the same netbooted Talos, before its production address exists).
 * Events from an address that fetched no config, or whose fetches name several machines, change
 * nothing. Install evidence ({@link InstallProgress}) moves that machine from Provisioning or
 * Reprovision to Active, with the event in the history; the machine's config tokens are revoked
 * at the same time. Every event is acknowledged once it has been handled (and a resulting
 * transition stored), so a crash makes Talos send it again rather than lose it.
 */
final class TalosEventSink {
  static final String LISTENER = "events";
  /** The history actor of transitions made on Talos's evidence; the source address follows. */
  static final String ACTOR_PREFIX = "talos-events:";
  static final ServiceMethod<Buffer, Buffer> PUBLISH = ServiceMethod.server(
      ServiceName.create("events", "EventSinkService"), "Publish",
      GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);
  private static final int MAX_TRANSITION_ATTEMPTS = 3;

  private final EdgeServices services;

  TalosEventSink(EdgeServices services) {
    this.services = services;
  }

  /**
   * Cleartext HTTP/2 with prior knowledge (what gRPC's insecure credentials speak); Talos keeps the
   * connection open between events, so the idle timeout is long.
   */
  static HttpServerOptions options(EdgeConfig c) {
    return new HttpServerOptions()
        .setHost(c.events().host())
        .setHttp2ClearTextEnabled(true)
        .setIdleTimeout(600)
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
        .setReuseAddress(true)
        .setReusePort(true);
  }

  Handler<HttpServerRequest> handler(Vertx vertx) {
    GrpcServer grpc = GrpcServer.server(vertx,
        new GrpcServerOptions().setMaxMessageSize(EventRequestDecoder.MAX_BYTES));
    grpc.callHandler(PUBLISH, call -> {
      call.handler(body -> publish(call, body));
      call.errorHandler(err -> services.metrics().talosEvent("error"));
    });
    return grpc;
  }

  private void publish(GrpcServerRequest<Buffer, Buffer> call, Buffer body) {
    String address = canonical(call.connection().remoteAddress().hostAddress());
    EventRequestDecoder.Published event;
    try {
      event = EventRequestDecoder.decode(body.getBytes());
    } catch (InvalidInputException e) {
      services.metrics().talosEvent("invalid");
      services.log().warn("talos_event_invalid", HttpErrors.fields("remote", address,
          "error", e.getMessage()));
      call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage(e.getMessage()).end();
      return;
    }
    handle(address, event).onComplete(ar -> {
      if (ar.succeeded()) {
        call.response().end(Buffer.buffer()); // an empty EventResponse
      } else {
        services.metrics().talosEvent("error");
        services.log().error("talos_event_failed", HttpErrors.fields("remote", address,
            "talos_event", TalosEvent.describe(event.event()), "error", String.valueOf(ar.cause().getMessage())));
        // Talos retries from this event after a back-off.
        call.response().status(GrpcStatus.UNAVAILABLE)
            .statusMessage("event not recorded, send it again").end();
      }
    });
  }

  private Future<Void> handle(String address, EventRequestDecoder.Published event) {
    Instant now = services.clock().instant();
    return services.configs().fetchesFrom(address, now).compose(fetches -> {
      Optional<ConfigStore.Fetch> who = attribute(address, fetches, event);
      if (who.isEmpty()) {
        return Future.succeededFuture();
      }
      ConfigStore.Fetch f = who.get();
      services.metrics().talosEvent("attributed");
      InstallProgress.Verdict verdict = services.installs().apply(f.machineKey(), f.bootId(), event.event());
      services.log().info("talos_event", HttpErrors.fields("remote", address, "id", f.machineId(),
          "tenant", f.tenant(), "boot", f.bootId(), "talos_event", TalosEvent.describe(event.event()),
          "event_id", event.id()));
      return switch (verdict) {
        case InstallProgress.Installed installed -> markInstalled(f, address, installed.evidence(), now, 1);
        case InstallProgress.InstallFailed failed -> {
          services.metrics().talosEvent("install_failed");
          services.log().warn("talos_install_failed", HttpErrors.fields("id", f.machineId(),
              "tenant", f.tenant(), "boot", f.bootId(), "reason", failed.reason()));
          yield Future.succeededFuture();
        }
        case InstallProgress.Progress p -> Future.succeededFuture();
      };
    });
  }

  /** The one machine that fetched its config from this address, if exactly one did. */
  private Optional<ConfigStore.Fetch> attribute(String address, List<ConfigStore.Fetch> fetches,
      EventRequestDecoder.Published event) {
    if (fetches.isEmpty()) {
      services.metrics().talosEvent("unattributed");
      return Optional.empty();
    }
    long machines = fetches.stream().map(ConfigStore.Fetch::machineKey).distinct().count();
    if (machines > 1) {
      services.metrics().talosEvent("ambiguous");
      services.log().warn("talos_event_ambiguous", HttpErrors.fields("remote", address,
          "machines", machines, "talos_event", TalosEvent.describe(event.event())));
      return Optional.empty();
    }
    return Optional.of(fetches.get(0)); // newest fetch first: the current boot
  }

  private Future<Void> markInstalled(ConfigStore.Fetch f, String address, String evidence,
      Instant now, int attempt) {
    MachineId id = MachineId.parse(f.machineId());
    return services.store().find(id).compose(found -> {
      if (found.isEmpty() || !found.get().key().equals(f.machineKey())) {
        return Future.succeededFuture(); // the id now names another machine: not this boot's
      }
      var m = found.get();
      if (m.state() != MachineState.PROVISIONING && m.state() != MachineState.REPROVISION) {
        return Future.succeededFuture(); // already Active (a replayed event), or an operator moved it
      }
      return services.store().transition(id, MachineState.ACTIVE, OptionalLong.of(m.version()),
              ACTOR_PREFIX + address, "install evidence from Talos: " + evidence + " (boot " + f.bootId() + ")", now)
          .compose(active -> {
            services.metrics().talosEvent("installed");
            services.installs().forget(f.machineKey(), f.bootId());
            services.log().info("machine_installed", HttpErrors.fields("id", f.machineId(),
                "tenant", f.tenant(), "boot", f.bootId(), "evidence", evidence));
            // The config is no longer fetchable once Active; drop the tokens too.
            return services.configs().revokeTokens(f.machineKey()).<Void>mapEmpty();
          })
          .recover(e -> e instanceof ConflictException && attempt < MAX_TRANSITION_ATTEMPTS
              ? markInstalled(f, address, evidence, now, attempt + 1)
              : Future.failedFuture(e));
    });
  }

  /** RFC 5952 text without zone, the form config fetches are recorded in. */
  static String canonical(String hostAddress) {
    String bare = hostAddress.indexOf('%') >= 0 ? hostAddress.substring(0, hostAddress.indexOf('%')) : hostAddress;
    return Addresses.ipLiteral(bare).map(Addresses::canonical).orElse(bare);
  }
}
