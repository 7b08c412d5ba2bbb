package nettboot.core.redfish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A BMC's answer: status, the headers the flow uses and the JSON body (empty object when there is
 * none or it is not JSON).
 */
record RedfishResponse(int status, String etag, String location, String authToken, Long retryAfterSeconds,
    JsonObject body, String rawBody) {

  boolean success() {
    return status >= 200 && status < 300;
  }

  /** The resource's ETag: the header, else {@code @odata.etag} in the body, else null. */
  String effectiveEtag() {
    if (etag != null && !etag.isBlank()) {
      return etag;
    }
    return body.getString("@odata.etag");
  }

  /**
   * What the BMC said, one line: the Redfish error's extended messages (with message ids), else
   * its message, else the start of the raw body.
   */
  String bmcSaid() {
    JsonObject error = body.getJsonObject("error");
    if (error != null) {
      List<String> parts = new ArrayList<>();
      JsonArray info = error.getJsonArray("@Message.ExtendedInfo");
      if (info != null) {
        for (Object o : info) {
          if (o instanceof JsonObject m) {
            String id = m.getString("MessageId", "");
            parts.add((id.isEmpty() ? "" : "[" + id + "] ") + m.getString("Message", ""));
          }
        }
      }
      if (parts.isEmpty()) {
        parts.add((error.getString("code") == null ? "" : "[" + error.getString("code") + "] ")
            + error.getString("message", ""));
      }
      return OneLine.of(String.join(" / ", parts));
    }
    if (success()) {
      return "";
    }
    return OneLine.of(rawBody == null ? "" : rawBody);
  }

  /** Every text the error carries (ids, messages, message args), for matching property names. */
  String errorText() {
    JsonObject error = body.getJsonObject("error");
    return error == null ? (rawBody == null ? "" : rawBody) : error.encode();
  }
}
