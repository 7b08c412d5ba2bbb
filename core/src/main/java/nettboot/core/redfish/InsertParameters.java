package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The InsertMedia body: {@code {"Image": url}} plus the optional parameters only where the BMC asks
 * for them: Required in its ActionInfo, a TransferProtocolType the action lists AllowableValues for,
 * or a 400 that names the property (added when missing, removed when it was rejected).
 */
final class InsertParameters {
  static final List<String> OPTIONAL = List.of("Inserted", "WriteProtected", "TransferProtocolType", "TransferMethod");
  static final int MAX_ADJUSTMENTS = 2;

  private final JsonObject body;
  private final Map<String, List<String>> allowable;
  private final Set<String> rejected = new HashSet<>();
  private final String url;
  private final ReportBuilder report;

  private InsertParameters(String url, Map<String, List<String>> allowable, ReportBuilder report) {
    this.url = url;
    this.allowable = allowable;
    this.report = report;
    this.body = new JsonObject().put("Image", url);
  }

  /** Reads the action's ActionInfo (if any) and builds the first body; fails for an unusable URL. */
  static Future<InsertParameters> discover(RedfishHttp http, MediaSlot slot, String url) {
    if (url.contains("?") || url.contains("&")) {
      http.report().quirk("media URL contains ? or &: some BMCs reject these; put tokens in the path");
    }
    Map<String, List<String>> allowable = new HashMap<>();
    Set<String> advertised = new HashSet<>();
    JsonObject action = slot.insertAction() == null ? new JsonObject() : slot.insertAction();
    for (String k : action.fieldNames()) {
      if (k.endsWith("@Redfish.AllowableValues")) {
        List<String> v = Odata.strings(action, k);
        allowable.put(k.substring(0, k.indexOf('@')), v == null ? List.of() : v);
        advertised.add(k.substring(0, k.indexOf('@')));
      }
    }
    String info = action.getString("@Redfish.ActionInfo");
    Future<Set<String>> required = info == null ? Future.succeededFuture(Set.of())
        : http.get("insert", info).map(r -> r.success() ? requiredFrom(r.body(), allowable) : Set.of());
    return required.map(req -> {
      InsertParameters p = new InsertParameters(url, allowable, http.report());
      for (String name : OPTIONAL) {
        if (req.contains(name)) {
          p.add(name, "ActionInfo marks " + name + " Required");
        } else if (name.equals("TransferProtocolType") && advertised.contains(name)) {
          p.add(name, "the InsertMedia action lists TransferProtocolType@Redfish.AllowableValues "
              + allowable.get(name));
        }
      }
      return p;
    });
  }

  private static Set<String> requiredFrom(JsonObject actionInfo, Map<String, List<String>> allowable) {
    Set<String> out = new HashSet<>();
    JsonArray params = actionInfo.getJsonArray("Parameters", new JsonArray());
    for (Object o : params) {
      if (o instanceof JsonObject p && p.getString("Name") != null) {
        List<String> values = Odata.strings(p, "AllowableValues");
        if (values != null) {
          allowable.put(p.getString("Name"), values);
        }
        if (Boolean.TRUE.equals(p.getValue("Required"))) {
          out.add(p.getString("Name"));
        }
      }
    }
    return out;
  }

  JsonObject body() {
    return body.copy();
  }

  /**
   * Adjusts the body after a 400 that names an optional property: adds it when it was missing,
   * drops it when it was sent. Returns whether anything changed.
   */
  boolean adjustAfter(RedfishResponse r) {
    String text = r.errorText();
    boolean changed = false;
    for (String name : OPTIONAL) {
      if (!text.contains(name)) {
        continue;
      }
      if (body.containsKey(name)) {
        body.remove(name);
        rejected.add(name);
        report.quirk("BMC rejected InsertMedia parameter " + name + ": sent without it");
        changed = true;
      } else if (!rejected.contains(name)) {
        add(name, "BMC asked for " + name + " (HTTP " + r.status() + ")");
        changed = true;
      }
    }
    return changed;
  }

  private void add(String name, String why) {
    Object value = switch (name) {
      case "Inserted", "WriteProtected" -> true;
      case "TransferProtocolType" -> protocol();
      case "TransferMethod" -> pick(name, "Stream");
      default -> throw new IllegalArgumentException(name);
    };
    body.put(name, value);
    report.quirk(why + ": sent " + name + "=" + value);
  }

  private String protocol() {
    String scheme = URI.create(url).getScheme().toUpperCase(Locale.ROOT);
    List<String> values = allowable.get("TransferProtocolType");
    if (values != null && !values.isEmpty() && values.stream().noneMatch(scheme::equalsIgnoreCase)) {
      throw new StepFailure("insert", "the BMC fetches media only over " + values + " but the media URL is "
          + scheme.toLowerCase(Locale.ROOT) + "://");
    }
    return scheme;
  }

  private String pick(String name, String preferred) {
    List<String> values = allowable.get(name);
    return values == null || values.isEmpty() || values.contains(preferred) ? preferred : values.get(0);
  }

  /** Fails early when the BMC says which protocols it fetches and the URL uses another. */
  void checkProtocol() {
    if (allowable.containsKey("TransferProtocolType")) {
      protocol();
    }
  }
}
