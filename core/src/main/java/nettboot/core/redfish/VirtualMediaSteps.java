package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/** Eject whatever is inserted, insert the image, verify by re-reading the slot. */
final class VirtualMediaSteps {
  private final RedfishHttp http;
  private final TaskMonitor tasks;
  private final ConditionalPatch patch;
  private final Discovery discovery;

  VirtualMediaSteps(RedfishHttp http, TaskMonitor tasks, ConditionalPatch patch, Discovery discovery) {
    this.http = http;
    this.tasks = tasks;
    this.patch = patch;
    this.discovery = discovery;
  }

  Future<Void> mount(MediaSlot slot, String url) {
    Future<InsertParameters> params = slot.insertAction() == null
        ? Future.succeededFuture(null)
        : InsertParameters.discover(http, slot, url).map(p -> {
          p.checkProtocol();
          return p;
        });
    return params.compose(p -> eject(slot).compose(v -> insert(slot, url, p, 0))).compose(v -> verify(slot, url, 1));
  }

  private Future<Void> eject(MediaSlot slot) {
    if (!slot.inserted()) {
      http.report().record("eject", slot.uri(), 200, "nothing inserted", "eject not needed");
      return Future.succeededFuture();
    }
    Future<RedfishResponse> sent;
    if (slot.ejectAction() != null && slot.ejectAction().getString("target") != null) {
      // an empty JSON object, never an empty body: iLO answers 400 to a body-less action POST
      sent = http.send("eject", HttpMethod.POST, slot.ejectAction().getString("target"), new JsonObject(), null, null)
          .compose(r -> tasks.settle("eject", r));
    } else {
      http.report().quirk("no EjectMedia action: ejected by PATCH with If-Match");
      sent = patch.patch("eject", slot.uri(), new JsonObject().putNull("Image").put("Inserted", false));
    }
    return sent.map(r -> {
      if (!r.success()) {
        throw new StepFailure("eject", "the BMC refused to eject " + slot.image() + " (HTTP " + r.status() + "): " + r.bmcSaid());
      }
      return null;
    });
  }

  private Future<Void> insert(MediaSlot slot, String url, InsertParameters params, int adjustments) {
    Future<RedfishResponse> sent;
    if (params != null) {
      sent = http.send("insert", HttpMethod.POST, slot.insertAction().getString("target"), params.body(), null, null)
          .compose(r -> tasks.settle("insert", r));
    } else {
      http.report().quirk("no InsertMedia action: inserted by PATCH of Image/Inserted with If-Match");
      sent = patch.patch("insert", slot.uri(), new JsonObject().put("Image", url).put("Inserted", true));
    }
    return sent.compose(r -> {
      if (r.success()) {
        return Future.succeededFuture();
      }
      if (params != null && r.status() == 400 && adjustments < InsertParameters.MAX_ADJUSTMENTS && params.adjustAfter(r)) {
        return insert(slot, url, params, adjustments + 1);
      }
      throw new StepFailure("insert", "the BMC did not mount " + url + " (HTTP " + r.status() + "): " + r.bmcSaid());
    });
  }

  private Future<Void> verify(MediaSlot slot, String url, int n) {
    return discovery.readSlot(slot.uri(), slot.under()).compose(now -> {
      boolean ok = now != null && now.inserted() && now.image() != null
          && (now.image().equals(url) || url.endsWith("/" + now.image()));
      if (ok) {
        http.report().record("verify-media", slot.uri(), 200, "Inserted, Image " + now.image(), "");
        return Future.succeededFuture();
      }
      if (n < http.options().verifyAttempts()) {
        return http.sleep(http.options().retryDelay()).compose(v -> verify(slot, url, n + 1));
      }
      throw new StepFailure("verify-media", "after " + n + " reads the slot shows Image="
          + (now == null ? "?" : now.image()) + " Inserted=" + (now != null && now.inserted()) + ", not " + url);
    });
  }
}
