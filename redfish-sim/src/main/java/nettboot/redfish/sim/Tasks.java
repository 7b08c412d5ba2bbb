package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Runs an operation's work: answered 204 when it is done, or — with the {@code task} fault — 202
 * with a task monitor at once, the work starting after the task delay.
 */
final class Tasks {
  private final Vertx vertx;
  private final BmcState state;
  private final SimSettings settings;

  Tasks(Vertx vertx, BmcState state, SimSettings settings) {
    this.vertx = vertx;
    this.state = state;
    this.settings = settings;
  }

  void run(RoutingContext ctx, Supplier<Future<Void>> work) {
    long taskMillis = settings.fault(Fault.Kind.TASK);
    if (taskMillis == 0) {
      safely(work).onComplete(ar -> {
        if (ar.succeeded()) {
          Responses.noContent(ctx);
        } else {
          Responses.error(ctx, ar.cause());
        }
      });
      return;
    }
    SimTask task = new SimTask(String.valueOf(state.nextTask++));
    state.tasks.put(task.id, task);
    ctx.response().putHeader("Location", task.monitor()).putHeader("Retry-After", "1");
    Responses.json(ctx, 202, task.json(), null);
    vertx.setTimer(taskMillis, t -> safely(work).onComplete(ar -> {
      if (ar.succeeded()) {
        task.state = "Completed";
      } else {
        task.state = "Exception";
        task.message = ar.cause().getMessage();
        task.messageId = ar.cause() instanceof SimError e ? e.messageId : "Base.1.15.InternalError";
      }
    }));
  }

  void monitor(RoutingContext ctx) {
    SimTask t = find(ctx);
    if (t.state.equals("Running")) {
      ctx.response().putHeader("Retry-After", "1").putHeader("Location", t.monitor());
      Responses.json(ctx, 202, t.json(), null);
    } else {
      Responses.json(ctx, 200, t.json(), null);
    }
  }

  void task(RoutingContext ctx) {
    Responses.json(ctx, 200, find(ctx).json(), null);
  }

  private SimTask find(RoutingContext ctx) {
    SimTask t = state.tasks.get(ctx.pathParam("id"));
    if (t == null) {
      throw new SimError(404, "Base.1.15.ResourceNotFound", "No task " + ctx.pathParam("id") + ".", ctx.pathParam("id"));
    }
    return t;
  }

  private static Future<Void> safely(Supplier<Future<Void>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
