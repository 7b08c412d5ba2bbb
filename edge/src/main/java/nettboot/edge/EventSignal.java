package nettboot.edge;

import io.vertx.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes the followers of the event feed when something may have changed: on PostgreSQL every
 * committed machine change of any replica arrives through the change feed; on each follower's own
 * context its handler re-reads the feed. Followers also re-read on a timer, so a missed wake-up
 * only delays an event.
 */
final class EventSignal {
  private final Map<Object, Runnable> followers = new ConcurrentHashMap<>();

  /** Registers {@code onChange}, run on {@code context}; returns the handle for {@link #remove}. */
  Object add(Context context, Runnable onChange) {
    Object handle = new Object();
    followers.put(handle, () -> context.runOnContext(v -> onChange.run()));
    return handle;
  }

  void remove(Object handle) {
    followers.remove(handle);
  }

  /** Something changed: wake every follower. */
  void fire() {
    followers.values().forEach(Runnable::run);
  }
}
