package nettboot.core.machine;

import static nettboot.core.machine.MachineState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import nettboot.core.error.IllegalTransitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {
  /** The specification, written out independently of the implementation's table. */
  private static final Map<MachineState, Set<MachineState>> SPEC = Map.of(
      NEW, EnumSet.of(PROVISIONING, MAINTENANCE, DECOMMISSION),
      PROVISIONING, EnumSet.of(ACTIVE, NEW, FAILED, MAINTENANCE, DECOMMISSION),
      ACTIVE, EnumSet.of(REPROVISION, MAINTENANCE, DECOMMISSION, FAILED),
      REPROVISION, EnumSet.of(ACTIVE, FAILED, MAINTENANCE, DECOMMISSION),
      MAINTENANCE, EnumSet.of(NEW, PROVISIONING, ACTIVE, REPROVISION, DECOMMISSION),
      DECOMMISSION, EnumSet.of(DECOMMISSIONED, FAILED),
      FAILED, EnumSet.of(PROVISIONING, REPROVISION, MAINTENANCE, DECOMMISSION),
      DECOMMISSIONED, EnumSet.noneOf(MachineState.class));

  static Stream<Arguments> everyPairOfStates() {
    return Stream.of(MachineState.values())
        .flatMap(from -> Stream.of(MachineState.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPairOfStates")
  void everyPairOfStatesIsLegalExactlyWhenTheSpecSaysSo(MachineState from, MachineState to) {
    Machine m = TestMachines.machine("acme", from, "p");
    Instant later = TestMachines.T0.plusSeconds(60);
    if (SPEC.get(from).contains(to)) {
      Machine after = Lifecycle.apply(m, to, later);
      assertThat(after.state()).isEqualTo(to);
      assertThat(after.version()).isEqualTo(m.version() + 1);
      assertThat(after.updatedAt()).isEqualTo(later);
      assertThat(after.key()).isEqualTo(m.key());
    } else {
      assertThatThrownBy(() -> Lifecycle.apply(m, to, later))
          .isInstanceOf(IllegalTransitionException.class)
          .satisfies(e -> {
            IllegalTransitionException ite = (IllegalTransitionException) e;
            assertThat(ite.legal()).isEqualTo(SPEC.get(from));
            assertThat(ite.getMessage()).contains(from.wireName()).contains(to.wireName());
          });
    }
  }

  @Test
  void configsAreFetchableWhileInstallingAndInstallEvidenceEndsOnlyProvisioningAndReprovision() {
    for (MachineState s : MachineState.values()) {
      assertThat(Lifecycle.isInstalling(s)).as(s.wireName())
          .isEqualTo(s == MachineState.NEW || s == PROVISIONING || s == REPROVISION);
      assertThat(Lifecycle.acceptsInstallEvidence(s)).as(s.wireName())
          .isEqualTo(s == PROVISIONING || s == REPROVISION);
    }
  }

  @Test
  void noStateTransitionsToItself() {
    for (MachineState s : MachineState.values()) {
      assertThat(Lifecycle.isLegal(s, s)).as(s.wireName()).isFalse();
    }
  }

  @Test
  void activeIsNeverReachedWithoutPassingThroughAnInstallingOrManualState() {
    // Active is entered only from the states that install (on evidence) or from Maintenance.
    for (MachineState s : MachineState.values()) {
      if (Lifecycle.isLegal(s, ACTIVE)) {
        assertThat(s).isIn(PROVISIONING, REPROVISION, MAINTENANCE);
      }
    }
    assertThat(Lifecycle.isLegal(ACTIVE, PROVISIONING))
        .as("reinstall goes through Reprovision, which wipes first").isFalse();
  }

  @Test
  void decommissionedIsTerminalAndOnlyReachableThroughDecommission() {
    assertThat(Lifecycle.isTerminal(DECOMMISSIONED)).isTrue();
    for (MachineState s : MachineState.values()) {
      assertThat(Lifecycle.isLegal(s, DECOMMISSIONED)).isEqualTo(s == DECOMMISSION);
    }
  }

  @Test
  void enteringAWipingStateResetsTheOneShotWipe() {
    Machine served = TestMachines.machine("acme", ACTIVE, "p").toBuilder().wipeServed(true).build();
    assertThat(Lifecycle.apply(served, REPROVISION, TestMachines.T0).wipeServed()).isFalse();
    assertThat(Lifecycle.apply(served, DECOMMISSION, TestMachines.T0).wipeServed()).isFalse();
    assertThat(Lifecycle.apply(served, MAINTENANCE, TestMachines.T0).wipeServed()).isTrue();
  }

  @Test
  void stateNamesParseCaseInsensitivelyAndUnknownNamesListTheValidOnes() {
    assertThat(MachineState.parse("reprovision")).isEqualTo(REPROVISION);
    assertThat(MachineState.parse("Decommissioned")).isEqualTo(DECOMMISSIONED);
    assertThatThrownBy(() -> MachineState.parse("Rebooting"))
        .hasMessageStartingWith("state:").hasMessageContaining("Provisioning");
  }
}
