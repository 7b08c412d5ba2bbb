package nettboot.core.boot;

import java.util.List;
import nettboot.core.machine.BootProfile;

/** What a machine's iPXE is told to do on this boot. */
public sealed interface BootDecision {

  /** Why the machine is netbooted. */
  enum Purpose {
    /** Install Talos (with {@code talos.halt_if_installed=1} as a safety net). */
    INSTALL,
    /** Wipe the system disk once before a reinstall (Talos does not reinstall over an install). */
    WIPE,
    /** Erase the machine before decommissioning it (the tenant's secure-erase profile). */
    ERASE,
    /** Boot the tenant's rescue profile (Maintenance). */
    RESCUE
  }

  /** Hand the machine back to its firmware: the next boot entry (the disk). HTTP 404. */
  record Localboot(String reason) implements BootDecision {}

  /**
   * Netboot the profile with extra kernel arguments appended to the profile's command line.
   *
   * @param markWipeServed the one-shot wipe/erase is being served: {@link BootService} records it
   *     (with the machine's version as the optimistic check) before it answers
   * @param startsProvisioning the first install boot of a New machine: {@link BootService} moves it
   *     to Provisioning (with the machine's version as the optimistic check) before it answers
   */
  record Netboot(BootProfile profile, Purpose purpose, List<String> extraKernelArgs,
      boolean markWipeServed, boolean startsProvisioning) implements BootDecision {
    public Netboot {
      extraKernelArgs = List.copyOf(extraKernelArgs);
    }

    /** The same decision with {@code more} appended to the extra kernel arguments. */
    public Netboot withArguments(List<String> more) {
      if (more.isEmpty()) {
        return this;
      }
      List<String> all = new java.util.ArrayList<>(extraKernelArgs);
      all.addAll(more);
      return new Netboot(profile, purpose, all, markWipeServed, startsProvisioning);
    }
  }

  /** Power the machine off (never boot its old disk). */
  record PowerOff(String reason) implements BootDecision {}

  /**
   * The state asks for a netboot that cannot be served (its profile is not set): say why and hold
   * the machine, never hand it to its disk.
   */
  record Refused(String reason) implements BootDecision {}
}
