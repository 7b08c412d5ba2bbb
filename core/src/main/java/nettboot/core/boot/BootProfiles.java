package nettboot.core.boot;

import java.util.Objects;
import java.util.Optional;
import nettboot.core.machine.BootProfile;

/**
 * The profiles a boot decision may use, resolved: the machine's install profile, and its tenant's
 * rescue profile (Maintenance) and secure-erase profile (Decommission). Each is empty when not set
 * or gone.
 */
public record BootProfiles(Optional<BootProfile> install, Optional<BootProfile> rescue,
    Optional<BootProfile> erase) {
  public BootProfiles {
    Objects.requireNonNull(install, "install");
    Objects.requireNonNull(rescue, "rescue");
    Objects.requireNonNull(erase, "erase");
  }

  /** Only the install profile (no rescue or erase profile set). */
  public static BootProfiles installOnly(Optional<BootProfile> install) {
    return new BootProfiles(install, Optional.empty(), Optional.empty());
  }
}
