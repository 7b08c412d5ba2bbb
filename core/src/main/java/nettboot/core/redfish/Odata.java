package nettboot.core.redfish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reading links and lists out of Redfish JSON without trusting its shape. */
final class Odata {
  private Odata() {}

  /** {@code o[key]["@odata.id"]}, or null. */
  static String link(JsonObject o, String key) {
    Object v = o == null ? null : o.getValue(key);
    return v instanceof JsonObject j && j.getValue("@odata.id") instanceof String s ? s : null;
  }

  /** The {@code @odata.id} of every entry of {@code Members}. */
  static List<String> members(JsonObject collection) {
    List<String> out = new ArrayList<>();
    Object m = collection.getValue("Members");
    if (m instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof JsonObject j && j.getValue("@odata.id") instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** A string array property, or null when absent (absent and empty mean different things). */
  static List<String> strings(JsonObject o, String key) {
    Object v = o == null ? null : o.getValue(key);
    if (!(v instanceof JsonArray a)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object e : a) {
      if (e instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code o.Actions[name]}, or null. */
  static JsonObject action(JsonObject o, String name) {
    JsonObject actions = o.getJsonObject("Actions");
    Object a = actions == null ? null : actions.getValue(name);
    return a instanceof JsonObject j ? j : null;
  }

  static String path(String pathOrUrl) {
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      return java.net.URI.create(pathOrUrl).getRawPath();
    }
    return pathOrUrl;
  }
}
