package nettboot.edge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nettboot.core.admin.AdminService;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineEvent;

/**
 * {@code GET /v1/admin/events?after=N}: every history row (state changes, enrolments, power-cycle
 * results) with its feed id, oldest first. With {@code Accept: text/event-stream} a server-sent
 * event stream that stays open ({@code id:} is the feed id, so a reconnect with
 * {@code Last-Event-ID} resumes); otherwise a long poll: answers as soon as there is an event
 * after N, or after {@code wait} seconds (default 25, at most 60) with none. Followers re-read on
 * every change signal ({@link EventSignal}: other replicas through the PostgreSQL change feed) and
 * at least every half second.
 */
final class EventRoutes {
  static final int PAGE = 500;
  static final long POLL_MS = 500;
  static final long HEARTBEAT_MS = 15_000;
  static final int DEFAULT_WAIT_S = 25;
  static final int MAX_WAIT_S = 60;

  private final EdgeServices services;
  private final AdminService admin;

  EventRoutes(EdgeServices services) {
    this.services = services;
    this.admin = services.admin();
  }

  void follow(RoutingContext ctx) {
    RequestScope.of(ctx).endpoint = "admin_events";
    long after;
    int waitS;
    try {
      String last = ctx.request().getHeader("last-event-id");
      after = number("after", last != null ? last : ctx.request().getParam("after"), 0, Long.MAX_VALUE, 0);
      waitS = (int) number("wait", ctx.request().getParam("wait"), 0, MAX_WAIT_S, DEFAULT_WAIT_S);
    } catch (InvalidInputException e) {
      AdminRoutes.fail(ctx, services, e);
      return;
    }
    String accept = ctx.request().getHeader("accept");
    Follower f = new Follower(ctx, RequestScope.of(ctx).tenants, after,
        accept != null && accept.contains("text/event-stream"), waitS);
    f.start();
  }

  private static long number(String field, String text, long min, long max, long dflt) {
    if (text == null || text.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(text);
      if (v < min || v > max) {
        throw new InvalidInputException(field, "outside " + min + ".." + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, "not a whole number");
    }
  }

  /** One open request: reads pages after its cursor on its own context until done. */
  private final class Follower {
    final RoutingContext ctx;
    final Optional<Set<String>> tenants;
    final boolean stream;
    final long deadline;
    final Vertx vertx;
    final Context context;
    long cursor;
    boolean reading;
    boolean again;
    boolean done;
    Object signal;
    long timer = -1;
    long heartbeat = -1;

    Follower(RoutingContext ctx, Optional<Set<String>> tenants, long after, boolean stream, int waitS) {
      this.ctx = ctx;
      this.tenants = tenants;
      this.cursor = after;
      this.stream = stream;
      this.vertx = ctx.vertx();
      this.context = vertx.getOrCreateContext();
      this.deadline = System.nanoTime() + waitS * 1_000_000_000L;
    }

    void start() {
      HttpServerResponse res = ctx.response();
      res.closeHandler(v -> stop());
      if (stream) {
        res.setChunked(true).putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-store").write(": nett-boot events\n\n");
        heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> res.write(": keep-alive\n\n"));
      }
      signal = services.eventSignal().add(context, this::read);
      timer = vertx.setPeriodic(POLL_MS, id -> read());
      read();
    }

    void read() {
      if (done) {
        return;
      }
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      Future<List<MachineEvent>> page = admin.events(cursor, PAGE, tenants);
      page.onComplete(ar -> {
        reading = false;
        if (done) {
          return;
        }
        if (ar.failed()) {
          if (stream) {
            stop();
            ctx.response().end();
          } else {
            stop();
            AdminRoutes.fail(ctx, services, ar.cause());
          }
          return;
        }
        deliver(ar.result());
        if (again || ar.result().size() == PAGE) {
          again = false;
          read();
        }
      });
    }

    void deliver(List<MachineEvent> events) {
      long from = cursor;
      if (!events.isEmpty()) {
        cursor = events.get(events.size() - 1).id();
      }
      if (stream) {
        for (MachineEvent e : events) {
          ctx.response().write("id: " + e.id() + "\nevent: machine\ndata: "
              + ControlJson.event(e).encode() + "\n\n");
        }
        return;
      }
      if (!events.isEmpty() || System.nanoTime() - deadline >= 0) {
        stop();
        HttpErrors.sendJson(ctx.response(), 200, ControlJson.events(events, from));
      }
    }

    void stop() {
      if (done) {
        return;
      }
      done = true;
      if (signal != null) {
        services.eventSignal().remove(signal);
      }
      vertx.cancelTimer(timer);
      vertx.cancelTimer(heartbeat);
    }
  }
}
