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
   * What the BMC said, one line: the Redfish error's {@code message}, then each
   * {@code @Message.ExtendedInfo} Message (repeats left out), then the message ids in brackets;
   * without a Redfish error body the start of the raw body.
   */
  String bmcSaid() {
    JsonObject error = body.getValue("error") instanceof JsonObject e ? e : null;
    if (error != null) {
      List<String> texts = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      add(texts, error.getValue("message"));
      if (error.getValue("@Message.ExtendedInfo") instanceof JsonArray info) {
        for (Object o : info) {
          if (o instanceof JsonObject m) {
            add(texts, m.getValue("Message"));
            add(ids, m.getValue("MessageId"));
          }
        }
      }
      add(ids, error.getValue("code"));
      String text = String.join("; ", texts);
      String idText = ids.isEmpty() ? "" : "[" + String.join(", ", ids) + "]";
      return OneLine.of(text.isEmpty() ? idText : idText.isEmpty() ? text : text + " " + idText);
    }
    if (success()) {
      return "";
    }
    return OneLine.of(rawBody == null ? "" : rawBody);
  }

  private static void add(List<String> to, Object value) {
    if (value instanceof String s && !s.isBlank()) {
      String t = s.strip();
      String bare = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
      if (to.stream().noneMatch(x -> x.equals(t) || x.equals(bare) || x.equals(bare + "."))) {
        to.add(t);
      }
    }
  }

  /** Every text the error carries (ids, messages, message args), for matching property names. */
  String errorText() {
    JsonObject error = body.getJsonObject("error");
    return error == null ? (rawBody == null ? "" : rawBody) : error.encode();
  }
}
