package nettboot.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import nettboot.core.talos.events.InstallProgress;
import nettboot.core.talos.events.TalosEvent;

/**
 * Where each install boot is in Talos's sequence, as far as its events have told this replica:
 * {@link InstallProgress.State} per machine and boot, bounded (least recently used boots are
 * forgotten first). Shared by the event loops; each update is a tiny critical section.
 */
final class InstallTracker {
  static final int DEFAULT_CAPACITY = 100_000;
  private final Map<String, InstallProgress.State> states;

  InstallTracker(int capacity) {
    this.states = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, InstallProgress.State> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Applies the event to the boot's state and returns what it means. */
  synchronized InstallProgress.Verdict apply(String machineKey, String bootId, TalosEvent event) {
    String key = machineKey + "/" + bootId;
    InstallProgress.Step step = InstallProgress.apply(
        states.getOrDefault(key, InstallProgress.State.INITIAL), event);
    states.put(key, step.next());
    return step.verdict();
  }

  synchronized void forget(String machineKey, String bootId) {
    states.remove(machineKey + "/" + bootId);
  }

  synchronized int size() {
    return states.size();
  }
}
