package nettboot.core.power;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.TestMachines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When the server may power-cycle a machine into a state. */
class RebootRulesTest {
  static final TenantSettings ALL = new TenantSettings("acme", Optional.of("rescue"), Optional.of("erase"),
      Optional.of(URI.create("https://[fd00::1]/acme.iso")), TestMachines.T0);

  @ParameterizedTest
  @EnumSource(value = MachineState.class, names = {"NEW", "PROVISIONING", "REPROVISION", "MAINTENANCE", "DECOMMISSION"})
  void netbootingStatesMayBeRebootedIntoWithEverythingSet(MachineState s) {
    Machine m = TestMachines.machine("acme", MachineState.ACTIVE, "talos-1.13");
    assertThat(RebootRules.refusal(m, s, true, ALL)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = MachineState.class, names = {"ACTIVE", "FAILED", "DECOMMISSIONED"})
  void otherStatesAreRefused(MachineState s) {
    Machine m = TestMachines.machine("acme", MachineState.ACTIVE, "talos-1.13");
    assertThat(RebootRules.refusal(m, s, true, ALL)).get().asString().contains("not " + s);
  }

  @Test
  void eachMissingPieceIsNamed() {
    Machine m = TestMachines.machine("acme", MachineState.ACTIVE, "talos-1.13");
    TenantSettings none = TenantSettings.none("acme");
    assertThat(RebootRules.refusal(m, MachineState.MAINTENANCE, true, none)).get().asString()
        .contains("no rescue profile");
    assertThat(RebootRules.refusal(m, MachineState.DECOMMISSION, true, none)).get().asString()
        .contains("no secure-erase profile");
    assertThat(RebootRules.refusal(m.toBuilder().profile(null).build(), MachineState.REPROVISION, true, ALL))
        .get().asString().contains("no install profile");
    assertThat(RebootRules.refusal(m, MachineState.REPROVISION, false, ALL)).get().asString()
        .contains("no BMC");
    TenantSettings noMedia = new TenantSettings("acme", Optional.of("rescue"), Optional.of("erase"),
        Optional.empty(), TestMachines.T0);
    assertThat(RebootRules.refusal(m, MachineState.REPROVISION, true, noMedia)).get().asString()
        .contains("no media URL");
  }

  @Test
  void credentialReferencesNeverHoldTheSecretAndRoundTrip() {
    assertThat(CredentialRef.parse(CredentialRef.of("/etc/nett-boot/bmc.pw", null).render()))
        .isEqualTo(new CredentialRef.File(java.nio.file.Path.of("/etc/nett-boot/bmc.pw")));
    assertThat(CredentialRef.of(null, "BMC_PASSWORD").render()).isEqualTo("env:BMC_PASSWORD");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CredentialRef.of(null, "hunter 2"))
        .hasMessageContaining("passwordEnv");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CredentialRef.of("relative.pw", null))
        .hasMessageContaining("absolute");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CredentialRef.of(null, null))
        .hasMessageContaining("exactly one");
  }
}
