package nettboot.redfish.sim;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler: counts requests and applies the configured faults (latency on every request;
 * 503, dropped connection or no answer on every Nth).
 */
final class FaultInjector implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final BmcState state;
  private final SimSettings settings;

  FaultInjector(Vertx vertx, BmcState state, SimSettings settings) {
    this.vertx = vertx;
    this.state = state;
    this.settings = settings;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long n = ++state.requests;
    long latency = settings.fault(Fault.Kind.LATENCY);
    if (latency > 0) {
      vertx.setTimer(latency, t -> apply(ctx, n));
    } else {
      apply(ctx, n);
    }
  }

  private void apply(RoutingContext ctx, long n) {
    if (every(Fault.Kind.STATUS_5XX, n)) {
      ctx.response().putHeader("Retry-After", "1");
      RedfishErrors.send(ctx, 503, "Base.1.15.ServiceTemporarilyUnavailable",
          "The service is temporarily unavailable. Retry in 1 seconds.", "1");
    } else if (every(Fault.Kind.DROP, n)) {
      ctx.request().connection().close();
    } else if (every(Fault.Kind.HANG, n)) {
      return; // never answered: the client's deadline has to end it
    } else {
      ctx.next();
    }
  }

  private boolean every(Fault.Kind kind, long n) {
    long every = settings.fault(kind);
    return every > 0 && n % every == 0;
  }
}
