package nettboot.redfish.sim;

import io.vertx.core.Future;

/** What the Reset action does: validates synchronously (throws {@link SimError}), then works. */
interface PowerControl {
  Future<Void> reset(String type);
}
