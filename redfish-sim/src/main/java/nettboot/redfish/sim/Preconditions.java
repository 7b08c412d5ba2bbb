package nettboot.redfish.sim;

import io.vertx.ext.web.RoutingContext;

/** If-Match on PATCH: 412 for a stale ETag (and, as an injected fault, once per resource), 428 where required. */
final class Preconditions {
  private final BmcState state;
  private final SimSettings settings;

  Preconditions(BmcState state, SimSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  /** Throws a {@link SimError} unless the PATCH may proceed; {@code bump} changes the resource's ETag. */
  void check(RoutingContext ctx, String resource, String currentEtag, Runnable bump) {
    String ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch == null) {
      if (settings.profile().ifMatchRequired()) {
        throw new SimError(428, "Base.1.15.PreconditionRequired",
            "A precondition header (If-Match) is required to modify " + resource + ".", resource);
      }
      return;
    }
    if (settings.fault(Fault.Kind.STALE_ETAG) > 0 && state.staleServed.add(resource)) {
      bump.run(); // as if another client changed the resource in between
      throw new SimError(412, "Base.1.15.PreconditionFailed",
          "The ETag supplied did not match the ETag required to change this resource.", resource);
    }
    if (!ifMatch.equals("*") && !ifMatch.equals(currentEtag)) {
      throw new SimError(412, "Base.1.15.PreconditionFailed",
          "The ETag supplied did not match the ETag required to change this resource.", resource);
    }
  }
}
