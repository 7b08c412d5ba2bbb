package nettboot.redfish.sim;

import java.util.Objects;

/**
 * One BMC of a simulator: its settings (profile, credentials, faults) and the system behind it.
 *
 * @param backing the real system (a QEMU VM), or null to only model it
 */
public record BmcSpec(SimSettings settings, SystemBacking backing) {
  public BmcSpec {
    Objects.requireNonNull(settings);
  }
}
