package nettboot.core.boot;

import java.util.List;
import java.util.Optional;
import nettboot.core.boot.BootDecision.Localboot;
import nettboot.core.boot.BootDecision.Netboot;
import nettboot.core.boot.BootDecision.PowerOff;
import nettboot.core.boot.BootDecision.Purpose;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;

/**
 * The boot decision: a pure function of the machine record and its resolved install profile.
 *
 * <table>
 * <caption>decision by state</caption>
 * <tr><th>state</th><th>decision</th></tr>
 * <tr><td>New</td><td>netboot install and move to Provisioning; localboot without a profile</td></tr>
 * <tr><td>Active, Maintenance, Failed</td><td>localboot</td></tr>
 * <tr><td>Provisioning</td><td>netboot install (+halt_if_installed); localboot without a profile</td></tr>
 * <tr><td>Reprovision</td><td>wipe once, then install; localboot without a profile</td></tr>
 * <tr><td>Decommission</td><td>erase once, then power off</td></tr>
 * <tr><td>Decommissioned</td><td>power off</td></tr>
 * </table>
 *
 * Nothing here marks a machine installed: only install evidence (an explicit transition) does, so
 * serving a script or a config never ends Provisioning and there is no reinstall loop.
 */
public final class BootDecider {
  /** Talos refuses to install over an existing installation and halts instead. */
  public static final String HALT_IF_INSTALLED = "talos.halt_if_installed=1";
  /** Talos wipes its system partitions and reboots, on every boot it is present: serve it once. */
  public static final String WIPE_SYSTEM = "talos.experimental.wipe=system";

  private BootDecider() {}

  /**
   * @param machine the machine, already known to belong to the requesting tenant
   * @param profile the machine's install profile, resolved; empty when it has none or it is gone
   */
  public static BootDecision decide(Machine machine, Optional<BootProfile> profile) {
    Optional<BootProfile> usable = profile.filter(p -> p.tenant().equals(machine.tenant()));
    return switch (machine.state()) {
      case NEW -> usable
          .<BootDecision>map(p -> new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, true))
          .orElseGet(() -> new Localboot("machine is New and has no install profile"));
      case ACTIVE -> new Localboot("machine is Active: boot the installed disk");
      case MAINTENANCE -> new Localboot("machine is in Maintenance");
      case FAILED -> new Localboot("machine is Failed: waiting for an operator");
      case PROVISIONING -> usable
          .<BootDecision>map(p -> new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, false))
          .orElseGet(() -> new Localboot("machine is Provisioning but has no install profile"));
      case REPROVISION -> usable
          .<BootDecision>map(p -> machine.wipeServed()
              ? new Netboot(p, Purpose.INSTALL, List.of(HALT_IF_INSTALLED), false, false)
              : new Netboot(p, Purpose.WIPE, List.of(WIPE_SYSTEM), true, false))
          .orElseGet(() -> new Localboot("machine is Reprovision but has no install profile"));
      case DECOMMISSION -> usable.isPresent() && !machine.wipeServed()
          ? new Netboot(usable.get(), Purpose.ERASE, List.of(WIPE_SYSTEM), true, false)
          : new PowerOff("machine is being decommissioned: erase served, power off");
      case DECOMMISSIONED -> new PowerOff("machine is Decommissioned");
    };
  }
}
