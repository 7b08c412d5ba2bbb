package nettboot.core.machine;

import static nettboot.core.machine.MachineState.ACTIVE;
import static nettboot.core.machine.MachineState.DECOMMISSION;
import static nettboot.core.machine.MachineState.DECOMMISSIONED;
import static nettboot.core.machine.MachineState.FAILED;
import static nettboot.core.machine.MachineState.MAINTENANCE;
import static nettboot.core.machine.MachineState.NEW;
import static nettboot.core.machine.MachineState.PROVISIONING;
import static nettboot.core.machine.MachineState.REPROVISION;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import nettboot.core.error.IllegalTransitionException;

/**
 * The machine lifecycle state machine: which transitions are legal, and what a transition does to
 * a machine record. Pure; persistence (optimistic version check, history row) is the store's job.
 *
 * <pre>
 * New           -> Provisioning | Maintenance | Decommission
 * Provisioning  -> Active (install evidence) | New (cancel) | Failed | Maintenance | Decommission
 * Active        -> Reprovision | Maintenance | Decommission | Failed
 * Reprovision   -> Active (install evidence) | Failed | Maintenance | Decommission
 * Maintenance   -> New | Provisioning | Active | Reprovision | Decommission
 * Decommission  -> Decommissioned (erase evidence) | Failed
 * Failed        -> Provisioning | Reprovision | Maintenance | Decommission
 * Decommissioned   (terminal)
 * </pre>
 *
 * Active is never reachable from Provisioning or Reprovision except by an explicit transition
 * made on install evidence: serving a config is not evidence. There is no Active -> Provisioning
 * edge: Talos does not reinstall over an installed disk, so a reinstall goes through Reprovision,
 * which wipes first.
 */
public final class Lifecycle {
  private static final Map<MachineState, Set<MachineState>> LEGAL;
  private static final Set<MachineState> INSTALLING =
      Collections.unmodifiableSet(EnumSet.of(NEW, PROVISIONING, REPROVISION));

  static {
    Map<MachineState, Set<MachineState>> m = new EnumMap<>(MachineState.class);
    m.put(NEW, EnumSet.of(PROVISIONING, MAINTENANCE, DECOMMISSION));
    m.put(PROVISIONING, EnumSet.of(ACTIVE, NEW, FAILED, MAINTENANCE, DECOMMISSION));
    m.put(ACTIVE, EnumSet.of(REPROVISION, MAINTENANCE, DECOMMISSION, FAILED));
    m.put(REPROVISION, EnumSet.of(ACTIVE, FAILED, MAINTENANCE, DECOMMISSION));
    m.put(MAINTENANCE, EnumSet.of(NEW, PROVISIONING, ACTIVE, REPROVISION, DECOMMISSION));
    m.put(DECOMMISSION, EnumSet.of(DECOMMISSIONED, FAILED));
    m.put(FAILED, EnumSet.of(PROVISIONING, REPROVISION, MAINTENANCE, DECOMMISSION));
    m.put(DECOMMISSIONED, EnumSet.noneOf(MachineState.class));
    for (Map.Entry<MachineState, Set<MachineState>> e : m.entrySet()) {
      e.setValue(Collections.unmodifiableSet(e.getValue()));
    }
    LEGAL = Collections.unmodifiableMap(m);
  }

  private Lifecycle() {}

  /** The states reachable from {@code from} in one transition. */
  public static Set<MachineState> legalTargets(MachineState from) {
    return LEGAL.get(from);
  }

  public static boolean isLegal(MachineState from, MachineState to) {
    return LEGAL.get(from).contains(to);
  }

  public static boolean isTerminal(MachineState state) {
    return LEGAL.get(state).isEmpty();
  }

  /**
   * Whether the machine is being installed (New before its first install boot, Provisioning,
   * Reprovision): only then may Talos fetch its install config with a per-boot token.
   */
  public static boolean isInstalling(MachineState state) {
    return INSTALLING.contains(state);
  }

  /**
   * Whether install evidence moves the machine to Active: it is installing and Active is a legal
   * next state (Provisioning, Reprovision; not New, whose first install boot has not happened).
   */
  public static boolean acceptsInstallEvidence(MachineState state) {
    return isInstalling(state) && isLegal(state, ACTIVE);
  }

  /**
   * Applies a transition to a machine record: the new state, the version bumped by one, the
   * one-shot wipe reset when entering a state that wipes. Does not touch timestamps other than
   * {@code updatedAt}.
   *
   * @throws IllegalTransitionException when the state machine does not allow it
   */
  public static Machine apply(Machine machine, MachineState to, java.time.Instant now) {
    if (!isLegal(machine.state(), to)) {
      throw new IllegalTransitionException(machine.state(), to, legalTargets(machine.state()));
    }
    boolean resetsWipe = to == REPROVISION || to == DECOMMISSION;
    return machine.toBuilder()
        .state(to)
        .version(machine.version() + 1)
        .wipeServed(resetsWipe ? false : machine.wipeServed())
        .updatedAt(now)
        .build();
  }
}
