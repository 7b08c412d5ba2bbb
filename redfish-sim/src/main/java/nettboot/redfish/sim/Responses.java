package nettboot.redfish.sim;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Success answers and the guard that turns a {@link SimError} into a Redfish error answer. */
final class Responses {
  private Responses() {}

  static void json(RoutingContext ctx, int status, JsonObject body, String etag) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("OData-Version", "4.0");
    if (etag != null) {
      ctx.response().putHeader("ETag", etag);
    }
    ctx.response().end(body.encode());
  }

  static void noContent(RoutingContext ctx) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().setStatusCode(204).putHeader("OData-Version", "4.0").end();
    }
  }

  static void error(RoutingContext ctx, Throwable t) {
    if (t instanceof SimError e) {
      RedfishErrors.send(ctx, e.status, e.messageId, e.getMessage(), e.args);
    } else {
      RedfishErrors.send(ctx, 500, "Base.1.15.InternalError", "internal error: " + t);
    }
  }

  /** Runs {@code h}; a thrown {@link SimError} (or bug) becomes an error answer. */
  static Handler<RoutingContext> guard(Handler<RoutingContext> h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (RuntimeException e) {
        error(ctx, e);
      }
    };
  }

  /** Whether the request carried a body at all (an absent body reports length -1). */
  static boolean hasBody(RoutingContext ctx) {
    return ctx.body() != null && ctx.body().buffer() != null && ctx.body().length() > 0;
  }

  /** The request body as a JSON object, or a 400 MalformedJSON. */
  static JsonObject body(RoutingContext ctx) {
    try {
      Object v = hasBody(ctx) ? io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) : null;
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (RuntimeException e) {
      // falls through to the error below
    }
    throw new SimError(400, "Base.1.15.MalformedJSON",
        "The request body submitted was malformed JSON and could not be parsed by the receiving service.");
  }
}
