package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Virtual media: the collection, slots, InsertMedia/EjectMedia actions, the PATCH-only variant. */
final class MediaRoutes {
  private static final Set<String> INSERT_PARAMS = Set.of("Image", "Inserted", "WriteProtected",
      "TransferProtocolType", "TransferMethod", "UserName", "Password");
  private final BmcState state;
  private final VendorProfile p;
  private final RedfishModel model;
  private final Preconditions preconditions;
  private final Tasks tasks;
  private final MediaFetcher fetcher;
  private final BackedMedia backed;

  /** @param backed the real system's CD drive, or null when the media is only modelled */
  MediaRoutes(BmcState state, SimSettings settings, RedfishModel model, Preconditions preconditions, Tasks tasks,
      MediaFetcher fetcher, BackedMedia backed) {
    this.state = state;
    this.p = settings.profile();
    this.model = model;
    this.preconditions = preconditions;
    this.tasks = tasks;
    this.fetcher = fetcher;
    this.backed = backed;
  }

  void collection(RoutingContext ctx) {
    List<String> uris = new ArrayList<>();
    state.slots.keySet().forEach(id -> uris.add(model.slotUri(id)));
    Responses.json(ctx, 200, model.collection("VirtualMedia", model.mediaCollection(), "Virtual Media Services", uris), null);
  }

  void get(RoutingContext ctx) {
    SlotState s = slot(ctx);
    Responses.json(ctx, 200, model.slot(s), s.etag());
  }

  void actionInfo(RoutingContext ctx) {
    if (!p.insertActionInfo()) {
      throw notFound(ctx.normalizedPath());
    }
    Responses.json(ctx, 200, model.insertActionInfo(slot(ctx).spec.id()), null);
  }

  void insert(RoutingContext ctx) {
    SlotState s = actionSlot(ctx);
    JsonObject body = Responses.body(ctx);
    state.inserts++;
    if (p.transientFirstInsert() && state.inserts == 1) {
      throw new SimError(500, p.registry() + ".SYS518", "Unable to complete the operation because the virtual "
          + "media is busy (eject in progress). Retry the operation.");
    }
    for (String k : body.fieldNames()) {
      if (p.rejectedParams().contains(k)) {
        throw new SimError(400, "Base.1.15.ActionParameterNotSupported", "The parameter " + k + " for the action "
            + "InsertMedia is not supported on the target resource.", k, "InsertMedia");
      }
      if (!INSERT_PARAMS.contains(k)) {
        throw new SimError(400, "Base.1.15.ActionParameterUnknown", "The action InsertMedia was submitted with "
            + "the invalid parameter " + k + ".", "InsertMedia", k);
      }
    }
    List<String> required = new ArrayList<>(p.requiredBy400());
    required.addAll(p.requiredInActionInfo());
    required.add("Image");
    for (String r : required) {
      if (!body.containsKey(r)) {
        throw new SimError(400, "Base.1.15.ActionParameterMissing", "The action InsertMedia requires the "
            + "parameter " + r + " to be present in the request body.", "InsertMedia", r);
      }
    }
    String url = body.getValue("Image") instanceof String i ? i : "";
    checkUrl(url, body.getString("TransferProtocolType"));
    if (s.inserted) {
      throw new SimError(409, "Base.1.15.ResourceInUse", "Virtual media is already inserted in slot " + s.spec.id()
          + "; eject it first.", s.spec.id());
    }
    tasks.run(ctx, () -> mount(s, url, !Boolean.FALSE.equals(body.getValue("WriteProtected"))));
  }

  void eject(RoutingContext ctx) {
    SlotState s = actionSlot(ctx);
    if (!Responses.hasBody(ctx) && p.ejectNeedsBody()) {
      throw new SimError(400, "Base.1.15.MalformedJSON", "The request body submitted was malformed JSON and "
          + "could not be parsed by the receiving service.");
    }
    if (Responses.hasBody(ctx)) {
      Responses.body(ctx);
    }
    tasks.run(ctx, () -> clear(s));
  }

  /** The PATCH-only variant (no actions): Image + Inserted to mount, Image null / Inserted false to eject. */
  void patch(RoutingContext ctx) {
    SlotState s = slot(ctx);
    if (p.mediaActions()) {
      throw new SimError(405, "Base.1.15.OperationNotAllowed", "Use the InsertMedia and EjectMedia actions.");
    }
    preconditions.check(ctx, model.slotUri(s.spec.id()), s.etag(), () -> s.version++);
    JsonObject body = Responses.body(ctx);
    boolean eject = body.containsKey("Image") && body.getValue("Image") == null
        || Boolean.FALSE.equals(body.getValue("Inserted"));
    if (eject) {
      tasks.run(ctx, () -> clear(s));
      return;
    }
    String url = body.getValue("Image") instanceof String i ? i : "";
    checkUrl(url, null);
    if (s.inserted) {
      throw new SimError(409, "Base.1.15.ResourceInUse", "Virtual media is already inserted; eject it first.");
    }
    tasks.run(ctx, () -> mount(s, url, !Boolean.FALSE.equals(body.getValue("WriteProtected"))));
  }

  private void checkUrl(String url, String protocol) {
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      u = null;
    }
    if (u == null || u.getScheme() == null || u.getHost() == null) {
      throw new SimError(400, "Base.1.15.ActionParameterValueFormatError", "The value " + url + " for the parameter "
          + "Image is not a URL.", url, "Image");
    }
    String scheme = u.getScheme().toUpperCase(Locale.ROOT);
    if (!p.protocols().contains(scheme)) {
      throw new SimError(400, "Base.1.15.ActionParameterValueNotInList", "The value " + scheme + " for the "
          + "parameter TransferProtocolType is not in the list of acceptable values " + p.protocols()
          + ": this BMC mounts only " + p.protocols() + " media URLs.", scheme, "TransferProtocolType");
    }
    if (protocol != null && !protocol.equalsIgnoreCase(scheme)) {
      throw new SimError(400, "Base.1.15.ActionParameterValueConflict", "TransferProtocolType " + protocol
          + " does not match the image URL scheme " + scheme + ".", protocol, "TransferProtocolType");
    }
  }

  /** Really downloads the image; the slot shows it only once the BMC could fetch all of it. */
  private Future<Void> mount(SlotState s, String url, boolean writeProtected) {
    Future<MediaFetcher.Fetched> fetched = backed != null && backed.backs(s)
        ? backed.insert(fetcher, url) : fetcher.fetch(url);
    return fetched.transform(ar -> {
      if (ar.failed()) {
        String why = ar.cause() instanceof java.net.ConnectException || ar.cause().getMessage() == null
            ? "connection failed (" + ar.cause() + ")" : ar.cause().getMessage();
        return Future.failedFuture(new SimError(400, p.registry() + ".MediaFetchFailed", "Unable to mount "
            + "the image: " + url + " could not be fetched: " + why + ".", url));
      }
      s.image = url;
      s.inserted = true;
      s.writeProtected = writeProtected;
      s.bytes = ar.result().bytes();
      s.sha256 = ar.result().sha256();
      s.version++;
      return Future.succeededFuture();
    });
  }

  private Future<Void> clear(SlotState s) {
    Future<Void> ejected = backed != null && backed.backs(s) ? backed.eject() : Future.succeededFuture();
    return ejected.onSuccess(v -> cleared(s));
  }

  private void cleared(SlotState s) {
    s.image = null;
    s.inserted = false;
    s.bytes = 0;
    s.sha256 = null;
    s.version++;
  }

  private SlotState actionSlot(RoutingContext ctx) {
    if (!p.mediaActions()) {
      throw notFound(ctx.normalizedPath());
    }
    return slot(ctx);
  }

  private SlotState slot(RoutingContext ctx) {
    SlotState s = state.slots.get(ctx.pathParam("slot"));
    if (s == null) {
      throw notFound(ctx.normalizedPath());
    }
    return s;
  }

  static SimError notFound(String path) {
    return new SimError(404, "Base.1.15.ResourceNotFound", "The resource at " + path + " was not found.", path);
  }
}
