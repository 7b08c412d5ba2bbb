package nettboot.redfish.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Errors in the Redfish format: {@code {"error":{"code","message","@Message.ExtendedInfo":[…]}}}. */
final class RedfishErrors {
  private RedfishErrors() {}

  static JsonObject body(String messageId, String message, String... args) {
    JsonArray margs = new JsonArray();
    for (String a : args) {
      margs.add(a);
    }
    return new JsonObject().put("error", new JsonObject()
        .put("code", messageId)
        .put("message", message)
        .put("@Message.ExtendedInfo", new JsonArray().add(new JsonObject()
            .put("@odata.type", "#Message.v1_1_1.Message")
            .put("MessageId", messageId)
            .put("Message", message)
            .put("MessageArgs", margs)
            .put("Severity", "Critical")
            .put("Resolution", "See the message."))));
  }

  static void send(RoutingContext ctx, int status, String messageId, String message, String... args) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("OData-Version", "4.0")
        .end(body(messageId, message, args).encode());
  }
}
