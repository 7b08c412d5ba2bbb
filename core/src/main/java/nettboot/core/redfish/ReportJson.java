package nettboot.core.redfish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A report as JSON, in the shape {@code docs/redfish-report.schema.json} documents (format version
 * {@link #FORMAT}); absent values are JSON null, never left out.
 */
public final class ReportJson {
  /** Bumped when a field changes meaning or is removed; new fields do not bump it. */
  public static final int FORMAT = 1;

  private ReportJson() {}

  public static JsonObject of(ProvisionReport r) {
    JsonObject o = new JsonObject()
        .put("format", FORMAT)
        .put("node", r.node())
        .put("bmc", r.bmc())
        .put("mode", r.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("result", r.ok() ? "ok" : "failed")
        .put("failedStep", r.failedStep())
        .put("failure", r.failure())
        .put("elapsedMillis", r.elapsed().toMillis())
        .put("identity", identity(r.identity()));
    JsonArray caps = new JsonArray();
    for (Capability c : r.capabilities()) {
      caps.add(new JsonObject().put("name", c.name()).put("verdict", c.verdict()).put("detail", c.detail()));
    }
    o.put("capabilities", caps);
    BootInterception i = r.interception();
    o.put("bootInterception", i == null ? null : new JsonObject().put("target", i.target())
        .put("enabled", i.enabled()).put("mode", i.mode().isEmpty() ? null : i.mode())
        .put("permanent", i.permanent()));
    o.put("permanentInterception", i == null ? null : i.permanent());
    o.put("quirks", new JsonArray(r.quirks()));
    JsonArray steps = new JsonArray();
    for (StepRecord s : r.steps()) {
      JsonObject j = new JsonObject().put("step", s.step()).put("summary", s.request());
      StepRecord.Exchange e = s.exchange();
      if (e != null) {
        j.put("request", new JsonObject().put("method", e.method()).put("path", e.path())
            .put("ifMatch", e.ifMatch()).put("body", e.body()));
        j.put("response", new JsonObject().put("status", s.status() == 0 ? null : s.status())
            .put("etag", e.etag()).put("location", e.location())
            .put("said", s.bmcSaid().isEmpty() ? null : s.bmcSaid()));
      } else {
        j.put("request", null).put("response", null).put("said", s.bmcSaid().isEmpty() ? null : s.bmcSaid());
      }
      j.put("note", s.note().isEmpty() ? null : s.note());
      steps.add(j);
    }
    o.put("steps", steps);
    return o;
  }

  private static JsonObject identity(BmcIdentity id) {
    if (id == null) {
      return null;
    }
    return new JsonObject().put("vendor", id.vendor()).put("product", id.product())
        .put("redfishVersion", id.redfishVersion()).put("managerModel", id.managerModel())
        .put("firmwareVersion", id.firmwareVersion()).put("systems", new JsonArray(id.systems()))
        .put("managers", new JsonArray(id.managers())).put("system", id.system())
        .put("systemUuid", id.systemUuid()).put("systemSerial", id.systemSerial())
        .put("systemModel", id.systemModel());
  }
}
