package nettboot.core.boot;

import java.util.List;
import java.util.Optional;
import nettboot.core.boot.BootDecision.Localboot;
import nettboot.core.boot.BootDecision.Netboot;
import nettboot.core.boot.BootDecision.PowerOff;
import nettboot.core.boot.BootDecision.Purpose;
import nettboot.core.boot.BootDecision.Refused;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;

/**
 * The boot decision: a pure function of the machine record and its resolved profiles.
 *
 * <table>
 * <caption>decision by state</caption>
 * <tr><th>state</th><th>decision</th></tr>
 * <tr><td>New</td><td>netboot install and move to Provisioning; localboot without a profile</td></tr>
 * <tr><td>Active, Failed</td><td>localboot</td></tr>
 * <tr><td>Provisioning</td><td>netboot install (+halt_if_installed); localboot without a profile</td></tr>
 * <tr><td>Reprovision</td><td>wipe once, then install; localboot without a profile</td></tr>
 * <tr><td>Maintenance</td><td>netboot the tenant's rescue profile; refused without one</td></tr>
 * <tr><td>Decommission</td><td>the tenant's secure-erase profile once, then power off; refused without one</td></tr>
 * <tr><td>Decommissioned</td><td>power off</td></tr>
 * </table>
 *
 * A refusal is never a localboot: a machine put into Maintenance or Decommission must not silently
 * boot its disk because its tenant has no rescue or erase profile. Nothing here marks a machine
 * installed: only install evidence (an explicit transition) does, so serving a script or a config
 * never ends Provisioning and there is no reinstall loop.
 */
public final class BootDecider {
  /** Talos refuses to install over an existing installation and halts instead. */
  public static final String HALT_IF_INSTALLED = "talos.halt_if_installed=1";
  /** Talos wipes its system partitions and reboots, on every boot it is present: serve it once. */
  public static final String WIPE_SYSTEM = "talos.experimental.wipe=system";

  private BootDecider() {}

  /** As {@link #decide(Machine, BootProfiles)} with only an install profile. */
  public static BootDecision decide(Machine machine, Optional<BootProfile> profile) {
    return decide(machine, BootProfiles.installOnly(profile));
  }

  /**
   * @param machine the machine, already known to belong to the requesting tenant
   * @param profiles its install profile and its tenant's rescue and erase profiles, resolved
   */
  public static BootDecision decide(Machine machine, BootProfiles profiles) {
    Optional<BootProfile> usable = own(machine, profiles.install());
    return switch (machine.state()) {
      case NEW -> usable
          .<BootDecision>map(p -> new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, true))
          .orElseGet(() -> new Localboot("machine is New and has no install profile"));
      case ACTIVE -> new Localboot("machine is Active: boot the installed disk");
      case FAILED -> new Localboot("machine is Failed: waiting for an operator");
      case MAINTENANCE -> own(machine, profiles.rescue())
          .<BootDecision>map(p -> new Netboot(p, Purpose.RESCUE, List.of(), false, false))
          .orElseGet(() -> new Refused("machine is in Maintenance but tenant " + machine.tenant()
              + " has no rescue profile"));
      case PROVISIONING -> usable
          .<BootDecision>map(p -> new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, false))
          .orElseGet(() -> new Localboot("machine is Provisioning but has no install profile"));
      case REPROVISION -> usable
          .<BootDecision>map(p -> machine.wipeServed()
              ? new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, false)
              : new Netboot(p, Purpose.WIPE, List.of(WIPE_SYSTEM), true, false))
          .orElseGet(() -> new Localboot("machine is Reprovision but has no install profile"));
      case DECOMMISSION -> machine.wipeServed()
          ? new PowerOff("machine is being decommissioned: erase served, power off")
          : own(machine, profiles.erase())
              .<BootDecision>map(p -> new Netboot(p, Purpose.ERASE, List.of(), true, false))
              .orElseGet(() -> new Refused("machine is in Decommission but tenant "
                  + machine.tenant() + " has no secure-erase profile"));
      case DECOMMISSIONED -> new PowerOff("machine is Decommissioned");
    };
  }

  private static Optional<BootProfile> own(Machine machine, Optional<BootProfile> profile) {
    return profile.filter(p -> p.tenant().equals(machine.tenant()));
  }
}
