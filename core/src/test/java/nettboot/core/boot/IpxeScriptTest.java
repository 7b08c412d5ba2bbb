package nettboot.core.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.TestMachines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpxeScriptTest {
  private final Machine machine = TestMachines.machine("acme", MachineState.PROVISIONING, "talos-1.13");
  private final BootDecision.Netboot install =
      (BootDecision.Netboot) BootDecider.decide(machine, Optional.of(TestMachines.profile("acme")));

  @Test
  void netbootScriptFetchesKernelAndInitrdFromTheAddressTheRequestArrivedOn() {
    String s = IpxeScript.netboot(machine, install, "https://[fd00:0:0:1::1]:8443");
    assertThat(s).startsWith("#!ipxe\n");
    assertThat(s).contains("kernel --timeout 30000 https://[fd00:0:0:1::1]:8443/v1/artifacts/vmlinuz-amd64 "
        + "initrd=initrd console=ttyS0 talos.platform=metal talos.halt_if_installed=1 || goto failed\n");
    assertThat(s).contains("initrd --timeout 30000 --name initrd https://[fd00:0:0:1::1]:8443/v1/artifacts/initramfs-amd64.xz");
    assertThat(s).contains("boot || goto failed");
    assertThat(s).as("never a bare exit: OVMF hangs in its menu on exit 0").contains("\nexit 1\n");
    assertThat(s).doesNotContain("autoconf6").doesNotContain("|| true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://[::1]", "https://[::1]/evil", "https://[::1]\nshell", "https://a b",
      "https://[::1]:8443 || shell"})
  void baseUrlsThatCouldInjectScriptAreRefused(String base) {
    assertThatThrownBy(() -> IpxeScript.netboot(machine, install, base))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void profilesWithControlCharactersCannotBeCreated() {
    assertThatThrownBy(() -> new BootProfile("p", "acme", "k", "i", "console=ttyS0\nshell", TestMachines.T0))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("cmdline:");
  }

  @Test
  void aCommandLineOverTheBudgetFailsLoudly() {
    BootProfile big = new BootProfile("p", "acme", "k", "i", "x".repeat(2040), TestMachines.T0);
    BootDecision.Netboot n = new BootDecision.Netboot(big, BootDecision.Purpose.INSTALL,
        List.of(BootDecider.HALT_IF_INSTALLED), false, false);
    assertThatThrownBy(() -> IpxeScript.netboot(machine, n, "https://[::1]:8443"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("budget");
  }

  @Test
  void powerOffScriptNeverExitsToTheDisk() {
    String s = IpxeScript.powerOff(machine, "machine is Decommissioned");
    assertThat(s).startsWith("#!ipxe\n").contains("poweroff").doesNotContain("exit");
  }
}
