package nettboot.core.boot;

import static nettboot.core.machine.MachineState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;
import nettboot.core.boot.BootDecision.Localboot;
import nettboot.core.boot.BootDecision.Netboot;
import nettboot.core.boot.BootDecision.PowerOff;
import nettboot.core.boot.BootDecision.Purpose;
import nettboot.core.boot.BootDecision.Refused;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.TestMachines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The boot decision's contract over every (state, install profile present, tenant rescue/erase
 * profiles present, wipe served) combination.
 */
class BootDeciderContractTest {

  static Stream<Arguments> everyInput() {
    return Stream.of(MachineState.values()).flatMap(s -> Stream.of(true, false)
        .flatMap(hasProfile -> Stream.of(true, false).flatMap(tenantProfiles -> Stream.of(true, false)
            .map(w -> Arguments.of(s, hasProfile, tenantProfiles, w)))));
  }

  static BootProfile named(String name, String tenant) {
    BootProfile p = TestMachines.profile(tenant);
    return new BootProfile(name, tenant, p.kernel(), p.initrd(), p.cmdline(), p.updatedAt());
  }

  @ParameterizedTest(name = "{0} profile={1} rescue/erase={2} wipeServed={3}")
  @MethodSource("everyInput")
  void decisionFollowsTheContract(MachineState state, boolean hasProfile, boolean tenantProfiles,
      boolean wipeServed) {
    Machine m = TestMachines.machine("acme", state, "talos-1.13").toBuilder().wipeServed(wipeServed).build();
    Optional<BootProfile> p = hasProfile ? Optional.of(TestMachines.profile("acme")) : Optional.empty();
    Optional<BootProfile> rescue = tenantProfiles ? Optional.of(named("rescue", "acme")) : Optional.empty();
    Optional<BootProfile> erase = tenantProfiles ? Optional.of(named("erase", "acme")) : Optional.empty();
    BootDecision d = BootDecider.decide(m, new BootProfiles(p, rescue, erase));

    switch (state) {
      case NEW -> {
        if (hasProfile) {
          assertThat(d).isInstanceOf(Netboot.class);
          Netboot n = (Netboot) d;
          assertThat(n.purpose()).isEqualTo(Purpose.INSTALL);
          assertThat(n.startsProvisioning()).as("the first install boot starts Provisioning").isTrue();
          assertThat(n.extraKernelArgs()).containsExactly(BootDecider.HALT_IF_INSTALLED);
        } else {
          assertThat(d).isInstanceOf(Localboot.class);
        }
      }
      case ACTIVE, FAILED -> assertThat(d).isInstanceOf(Localboot.class);
      case MAINTENANCE -> {
        if (tenantProfiles) {
          Netboot n = (Netboot) d;
          assertThat(n.purpose()).isEqualTo(Purpose.RESCUE);
          assertThat(n.profile().name()).isEqualTo("rescue");
          assertThat(n.extraKernelArgs()).isEmpty();
          assertThat(n.markWipeServed()).as("rescue boots every time").isFalse();
        } else {
          assertThat(d).isInstanceOf(Refused.class);
          assertThat(((Refused) d).reason()).contains("no rescue profile");
        }
      }
      case PROVISIONING -> {
        if (hasProfile) {
          assertInstall(d);
        } else {
          assertThat(d).isInstanceOf(Localboot.class);
        }
      }
      case REPROVISION -> {
        if (!hasProfile) {
          assertThat(d).isInstanceOf(Localboot.class);
        } else if (wipeServed) {
          assertInstall(d);
        } else {
          Netboot n = (Netboot) d;
          assertThat(n.purpose()).isEqualTo(Purpose.WIPE);
          assertThat(n.extraKernelArgs()).containsExactly(BootDecider.WIPE_SYSTEM);
          assertThat(n.markWipeServed()).isTrue();
        }
      }
      case DECOMMISSION -> {
        if (wipeServed) {
          assertThat(d).isInstanceOf(PowerOff.class);
        } else if (tenantProfiles) {
          Netboot n = (Netboot) d;
          assertThat(n.purpose()).isEqualTo(Purpose.ERASE);
          assertThat(n.profile().name()).as("the secure-erase profile, not the install").isEqualTo("erase");
          assertThat(n.markWipeServed()).isTrue();
        } else {
          assertThat(d).isInstanceOf(Refused.class);
          assertThat(((Refused) d).reason()).contains("no secure-erase profile");
        }
      }
      case DECOMMISSIONED -> assertThat(d).isInstanceOf(PowerOff.class);
    }
    // Universal properties.
    if (d instanceof Netboot n) {
      assertThat(n.profile().tenant()).isEqualTo(m.tenant());
      assertThat(n.extraKernelArgs()).doesNotContain(BootDecider.WIPE_SYSTEM + " " + BootDecider.HALT_IF_INSTALLED);
      if (n.purpose() == Purpose.INSTALL) {
        assertThat(n.markWipeServed()).isFalse();
      }
      assertThat(n.startsProvisioning()).isEqualTo(state == NEW);
    }
    if (state == DECOMMISSIONED || state == DECOMMISSION || state == MAINTENANCE) {
      assertThat(d).as("never silently sent to its disk").isNotInstanceOf(Localboot.class);
    }
    if (d instanceof Refused) {
      assertThat(state).isIn(MAINTENANCE, DECOMMISSION);
    }
  }

  private static void assertInstall(BootDecision d) {
    assertThat(d).isInstanceOf(Netboot.class);
    Netboot n = (Netboot) d;
    assertThat(n.purpose()).isEqualTo(Purpose.INSTALL);
    assertThat(n.extraKernelArgs()).containsExactly(BootDecider.HALT_IF_INSTALLED);
    assertThat(n.markWipeServed()).isFalse();
    assertThat(n.startsProvisioning()).isFalse();
  }

  @Test
  void aProfileOfAnotherTenantIsNeverUsed() {
    Machine m = TestMachines.machine("acme", PROVISIONING, "talos-1.13");
    BootDecision d = BootDecider.decide(m, Optional.of(TestMachines.profile("globex")));
    assertThat(d).isInstanceOf(Localboot.class);
  }

  @Test
  void anotherTenantsRescueOrEraseProfileIsNeverUsed() {
    BootProfiles foreign = new BootProfiles(Optional.of(TestMachines.profile("acme")),
        Optional.of(named("rescue", "globex")), Optional.of(named("erase", "globex")));
    assertThat(BootDecider.decide(TestMachines.machine("acme", MAINTENANCE, "talos-1.13"), foreign))
        .isInstanceOf(Refused.class);
    assertThat(BootDecider.decide(TestMachines.machine("acme", DECOMMISSION, "talos-1.13"), foreign))
        .isInstanceOf(Refused.class);
  }

  @Test
  void reprovisionWipesExactlyOnceThenInstalls() {
    Machine m = TestMachines.machine("acme", REPROVISION, "talos-1.13");
    Optional<BootProfile> p = Optional.of(TestMachines.profile("acme"));
    Netboot first = (Netboot) BootDecider.decide(m, p);
    assertThat(first.purpose()).isEqualTo(Purpose.WIPE);
    Machine afterWipe = m.toBuilder().wipeServed(true).version(m.version() + 1).build();
    for (int boot = 0; boot < 5; boot++) {
      assertThat(((Netboot) BootDecider.decide(afterWipe, p)).purpose()).isEqualTo(Purpose.INSTALL);
    }
  }

  @Test
  void theDecisionIsDeterministic() {
    Machine m = TestMachines.machine("acme", PROVISIONING, "talos-1.13");
    Optional<BootProfile> p = Optional.of(TestMachines.profile("acme"));
    assertThat(BootDecider.decide(m, p)).isEqualTo(BootDecider.decide(m, p));
  }
}
