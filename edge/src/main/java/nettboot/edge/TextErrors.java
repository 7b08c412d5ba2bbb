package nettboot.edge;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Error answers of the plain-text listeners (boot, config, ops): one line, no stack trace. An
 * unavailable store is answered with a generic line: its detail (a database's error text) goes to
 * the log only, never to a tenant's client.
 */
final class TextErrors {
  private TextErrors() {}

  static void fail(RoutingContext ctx, EdgeServices services, Throwable t) {
    RequestScope scope = RequestScope.of(ctx);
    String rid = scope == null ? "-" : scope.id;
    if (!HttpErrors.isDomain(t)) {
      services.log().error("unexpected_error", JsonLog.fields("request_id", rid,
          "error", String.valueOf(t), "stack", stack(t)));
    } else if (t instanceof nettboot.core.error.UnavailableException) {
      services.log().error("unavailable", JsonLog.fields("request_id", rid,
          "error", HttpErrors.message(t, rid)));
      if (scope != null) {
        scope.note = "unavailable";
      }
      HttpErrors.sendText(ctx.response(), 503, unavailable(rid));
      return;
    } else if (scope != null) {
      scope.note = HttpErrors.message(t, rid);
    }
    HttpErrors.sendText(ctx.response(), HttpErrors.status(t), HttpErrors.message(t, rid));
  }

  static String unavailable(String requestId) {
    return "service unavailable, try again later (request id " + requestId + ")";
  }

  static void install(Router router, EdgeServices services) {
    router.errorHandler(404, ctx -> HttpErrors.sendText(ctx.response(), 404, "not found"));
    router.errorHandler(405, ctx -> HttpErrors.sendText(ctx.response(), 405, "method not allowed"));
    router.errorHandler(413, ctx -> HttpErrors.sendText(ctx.response(), 413, "request body too large"));
    router.errorHandler(400, ctx -> HttpErrors.sendText(ctx.response(), 400, "bad request"));
    router.errorHandler(500, ctx -> {
      Throwable t = ctx.failure();
      if (t != null) {
        fail(ctx, services, t);
      } else {
        HttpErrors.sendText(ctx.response(), 500, "internal error");
      }
    });
  }

  static String stack(Throwable t) {
    java.io.StringWriter sw = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(sw));
    return sw.toString();
  }
}
