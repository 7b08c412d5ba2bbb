package nettboot.core.redfish;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** A virtual media slot: where it lives, its state and how it is driven. */
record MediaSlot(String uri, String under, String etag, List<String> mediaTypes, boolean inserted, String image,
    JsonObject insertAction, JsonObject ejectAction) {

  static MediaSlot of(String uri, String under, RedfishResponse r) {
    JsonObject b = r.body();
    List<String> types = Odata.strings(b, "MediaTypes");
    String image = b.getValue("Image") instanceof String s ? s : null;
    boolean inserted = Boolean.TRUE.equals(b.getValue("Inserted"))
        || (image != null && !image.isBlank() && !Boolean.FALSE.equals(b.getValue("Inserted")));
    return new MediaSlot(uri, under, r.effectiveEtag(), types == null ? List.of() : types, inserted, image,
        Odata.action(b, "#VirtualMedia.InsertMedia"), Odata.action(b, "#VirtualMedia.EjectMedia"));
  }

  boolean cdCapable() {
    return mediaTypes.stream().anyMatch(t -> t.equalsIgnoreCase("CD") || t.equalsIgnoreCase("DVD"));
  }
}
