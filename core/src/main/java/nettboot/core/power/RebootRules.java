package nettboot.core.power;

import java.util.Optional;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineState;

/**
 * Whether the server may power-cycle a machine into a state: only into a state whose boot answer
 * is a netboot it can serve (an install needs the machine's profile, Maintenance the tenant's
 * rescue profile, Decommission its secure-erase profile), only with a BMC enrolled and a media URL
 * for the tenant. Pure.
 */
public final class RebootRules {
  private RebootRules() {}

  /** Why the machine must not be rebooted into {@code state}; empty when it may. */
  public static Optional<String> refusal(Machine machine, MachineState state, boolean hasBmc,
      TenantSettings settings) {
    String id = machine.displayId();
    String problem = switch (state) {
      case NEW, PROVISIONING, REPROVISION -> machine.profile() == null
          ? "machine " + id + " has no install profile to netboot" : null;
      case MAINTENANCE -> settings.rescueProfile().isEmpty()
          ? "tenant " + machine.tenant() + " has no rescue profile for Maintenance" : null;
      case DECOMMISSION -> settings.eraseProfile().isEmpty()
          ? "tenant " + machine.tenant() + " has no secure-erase profile for Decommission" : null;
      case ACTIVE, FAILED, DECOMMISSIONED -> "a reboot is offered with New, Provisioning,"
          + " Reprovision, Maintenance and Decommission only, not " + state;
    };
    if (problem == null && !hasBmc) {
      problem = "machine " + id + " has no BMC enrolled";
    }
    if (problem == null && settings.mediaUrl().isEmpty()) {
      problem = "tenant " + machine.tenant() + " has no media URL for its BMCs to mount";
    }
    return Optional.ofNullable(problem);
  }
}
