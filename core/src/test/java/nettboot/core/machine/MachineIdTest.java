package nettboot.core.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MachineIdTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "4C4C4544-0042-3510-8052-B4C04F4D3232, 4c4c4544-0042-3510-8052-b4c04f4d3232",
      "4c4c4544-0042-3510-8052-b4c04f4d3232, 4c4c4544-0042-3510-8052-b4c04f4d3232",
  })
  void uuidsAreCanonicalisedToLowerCase(String in, String canonical) {
    assertThat(MachineId.parse(in)).isEqualTo(new MachineId.Uuid(canonical));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"52:54:00:AB:cd:EF", "52-54-00-ab-cd-ef", "525400ABCDEF"})
  void everyMacSpellingIsAcceptedAndStoredCanonically(String in) {
    assertThat(MachineId.parse(in)).isEqualTo(new MachineId.Mac("52:54:00:ab:cd:ef"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
      "ffffffff-ffff-ffff-ffff-ffffffffffff"})
  void firmwarePlaceholderUuidsAreNotIdentities(String in) {
    assertThatThrownBy(() -> MachineId.parse(in))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("placeholder");
  }

  @ParameterizedTest(name = "[{index}]")
  @ValueSource(strings = {"", "x", "../../etc/passwd", "4c4c4544-0042-3510-8052-b4c04f4d323",
      "52:54:00:ab:cd", "52:54:00:ab:cd:eg", "52:54-00:ab:cd:ef", "${uuid}", "abc\nchain http://evil",
      "00:00:00:00:00:00", "4c4c4544004235108052b4c04f4d3232"})
  void malformedIdsAreRefusedWithAOneLineReason(String in) {
    assertThatThrownBy(() -> MachineId.parse(in))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith("id:").isNotBlank());
  }

  @org.junit.jupiter.api.Test
  void veryLongIdsAreRefusedWithoutEchoingThem() {
    String longId = "a".repeat(10_000);
    assertThatThrownBy(() -> MachineId.parse(longId))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
  }
}
