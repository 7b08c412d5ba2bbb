package nettboot.core.machine;

import java.time.Instant;
import java.util.Optional;

/**
 * One append-only history row: a lifecycle transition (or the enrolment, with no {@code from}).
 *
 * @param machineKey the machine's internal key
 * @param version the machine version the transition produced (unique per machine)
 * @param from the previous state; empty for the enrolment row
 * @param to the new state
 * @param actor who did it: the client certificate subject, or "system:..." for the server itself
 * @param reason free text given with the transition
 */
public record HistoryEntry(
    String machineKey,
    long version,
    Optional<MachineState> from,
    MachineState to,
    String actor,
    String reason,
    Instant at) {}
