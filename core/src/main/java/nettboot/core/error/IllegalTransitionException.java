package nettboot.core.error;

import java.util.Set;
import nettboot.core.machine.MachineState;

/** A lifecycle transition the state machine does not allow; names the legal targets. */
public final class IllegalTransitionException extends NettBootException {
  private final MachineState from;
  private final MachineState to;
  private final Set<MachineState> legal;

  public IllegalTransitionException(MachineState from, MachineState to, Set<MachineState> legal) {
    super("transition " + from + " -> " + to + " is not allowed; legal from " + from + ": "
        + (legal.isEmpty() ? "none (terminal state)" : legal.toString()));
    this.from = from;
    this.to = to;
    this.legal = Set.copyOf(legal);
  }

  public MachineState from() {
    return from;
  }

  public MachineState to() {
    return to;
  }

  public Set<MachineState> legal() {
    return legal;
  }
}
