package nettboot.core.machine;

import java.util.Objects;

/**
 * One entry of the event feed: a history row with its feed id (gap-free, increasing in commit
 * order across every machine), the machine's public id and its tenant.
 */
public record MachineEvent(long id, String machine, String tenant, HistoryEntry entry) {
  public MachineEvent {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(entry, "entry");
  }
}
