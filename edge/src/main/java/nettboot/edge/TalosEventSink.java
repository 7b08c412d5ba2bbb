package nettboot.edge;

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
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Addresses;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.events.EventRequestDecoder;
import nettboot.core.talos.events.InstallEvidence;
import nettboot.core.talos.events.TalosEvent;

/**
 * The Talos events sink: {@code events.EventSinkService/Publish} over cleartext HTTP/2, exactly as
 * Talos dials the address in its {@code talos.events.sink} kernel argument (gRPC, insecure
 * credentials, one unary call per event, replayed from the last acknowledged event after a
 * reconnect).
 *
 * <p>Talos presents no identity on this channel: what an event means (attribution by source
 * address, install evidence, the move to Active) is core's {@link InstallEvidence}; this class
 * decodes, calls, reports and answers. Every event is acknowledged once it has been handled (and a
 * resulting transition stored), so a crash makes Talos send it again rather than lose it.
 */
final class TalosEventSink {
  static final String LISTENER = "events";
  static final ServiceMethod<Buffer, Buffer> PUBLISH = ServiceMethod.server(
      ServiceName.create("events", "EventSinkService"), "Publish",
      GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);

  private final EdgeServices services;

  TalosEventSink(EdgeServices services) {
    this.services = services;
  }

  /**
   * Cleartext HTTP/2 with prior knowledge (what gRPC's insecure credentials speak); Talos keeps the
   * connection open between events and reconnects when it finds it closed, so the idle timeout
   * is the listeners' (a silent connection is closed after it).
   */
  static HttpServerOptions options(EdgeConfig c) {
    return new HttpServerOptions()
        .setHost(c.events().host())
        .setHttp2ClearTextEnabled(true)
        .setIdleTimeout((int) Math.max(1, c.idleTimeout().toSeconds()))
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
    return request -> grpc.handle(new GrpcFrameGuard(request, e -> {
      services.metrics().talosEvent("invalid");
      services.log().warn("talos_event_malformed", JsonLog.fields("remote",
          request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
          "error", String.valueOf(e.getMessage())));
    }));
  }

  private void publish(GrpcServerRequest<Buffer, Buffer> call, Buffer body) {
    String address = Addresses.canonicalPeer(call.connection().remoteAddress().hostAddress());
    EventRequestDecoder.Published event;
    try {
      event = EventRequestDecoder.decode(body.getBytes());
    } catch (InvalidInputException e) {
      services.metrics().talosEvent("invalid");
      services.log().warn("talos_event_invalid", JsonLog.fields("remote", address,
          "error", e.getMessage()));
      call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage(e.getMessage()).end();
      return;
    }
    services.evidence().apply(address, event.event()).onComplete(ar -> {
      if (ar.succeeded()) {
        report(address, event, ar.result());
        call.response().end(Buffer.buffer()); // an empty EventResponse
      } else {
        services.metrics().talosEvent("error");
        services.log().error("talos_event_failed", JsonLog.fields("remote", address,
            "talos_event", TalosEvent.describe(event.event()), "error", String.valueOf(ar.cause().getMessage())));
        // Talos retries from this event after a back-off.
        call.response().status(GrpcStatus.UNAVAILABLE)
            .statusMessage("event not recorded, send it again").end();
      }
    });
  }

  /** Metrics and log lines for what the event did; the evidence rules are core's. */
  private void report(String address, EventRequestDecoder.Published event, InstallEvidence.Outcome outcome) {
    switch (outcome) {
      case InstallEvidence.Unattributed u -> services.metrics().talosEvent("unattributed");
      case InstallEvidence.Ambiguous a -> {
        services.metrics().talosEvent("ambiguous");
        services.log().warn("talos_event_ambiguous", JsonLog.fields("remote", address,
            "machines", a.machines(), "talos_event", TalosEvent.describe(event.event())));
      }
      case InstallEvidence.Attributed at -> {
        ConfigStore.Fetch f = at.fetch();
        services.metrics().talosEvent("attributed");
        services.log().info("talos_event", JsonLog.fields("remote", address, "id", f.machineId(),
            "tenant", f.tenant(), "boot", f.bootId(), "talos_event", TalosEvent.describe(event.event()),
            "event_id", event.id()));
        switch (at.effect()) {
          case InstallEvidence.Installed i -> {
            services.metrics().talosEvent("installed");
            services.log().info("machine_installed", JsonLog.fields("id", f.machineId(),
                "tenant", f.tenant(), "boot", f.bootId(), "evidence", i.evidence()));
          }
          case InstallEvidence.InstallFailed failed -> {
            services.metrics().talosEvent("install_failed");
            services.log().warn("talos_install_failed", JsonLog.fields("id", f.machineId(),
                "tenant", f.tenant(), "boot", f.bootId(), "reason", failed.reason()));
          }
          case InstallEvidence.AlreadySettled s -> { }
          case InstallEvidence.Progress p -> { }
        }
      }
    }
  }
}
