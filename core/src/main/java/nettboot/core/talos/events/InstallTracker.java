package nettboot.core.talos.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each install boot is in Talos's sequence, as far as its events have told this replica:
 * {@link InstallProgress.State} per machine and boot, bounded (least recently used boots are
 * forgotten first). Shared by the event loops; each update is a tiny critical section.
 *
 * <p>The progress lives in this replica's memory, not in the store: Talos keeps one connection to
 * the sink for a whole install, and after a reconnect it replays from its last acknowledged event.
 * If that reconnect reaches another replica (several replicas on PostgreSQL), the sequence
 * state there starts over: evidence that needs the earlier events (a phase after the install
 * phase) is then missed on that replica, while evidence that stands alone (the boot sequence
 * starting) is not.
 */
public final class InstallTracker {
  public static final int DEFAULT_CAPACITY = 100_000;
  private final Map<String, InstallProgress.State> states;

  public InstallTracker(int capacity) {
    this.states = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, InstallProgress.State> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Applies the event to the boot's state and returns what it means. */
  public synchronized InstallProgress.Verdict apply(String machineKey, String bootId, TalosEvent event) {
    String key = machineKey + "/" + bootId;
    InstallProgress.Step step = InstallProgress.apply(
        states.getOrDefault(key, InstallProgress.State.INITIAL), event);
    states.put(key, step.next());
    return step.verdict();
  }

  public synchronized void forget(String machineKey, String bootId) {
    states.remove(machineKey + "/" + bootId);
  }

  public synchronized int size() {
    return states.size();
  }
}
