package nettboot.core.redfish;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the flow needs from a ComputerSystem resource ({@code body}: all of it, for identity). */
record SystemInfo(String uri, String etag, String powerState, JsonObject boot, String resetTarget,
    String resetActionInfo, List<String> resetTypes, String virtualMedia, JsonObject body) {

  static SystemInfo of(String uri, RedfishResponse r) {
    JsonObject b = r.body();
    JsonObject reset = Odata.action(b, "#ComputerSystem.Reset");
    return new SystemInfo(uri, r.effectiveEtag(), b.getString("PowerState", ""),
        b.getJsonObject("Boot", new JsonObject()),
        reset == null ? null : reset.getString("target"),
        reset == null ? null : reset.getString("@Redfish.ActionInfo"),
        reset == null ? null : Odata.strings(reset, "ResetType@Redfish.AllowableValues"),
        Odata.link(b, "VirtualMedia"), b);
  }
}
