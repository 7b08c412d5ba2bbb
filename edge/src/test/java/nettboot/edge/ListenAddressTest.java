package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {
  @Test
  void parsesBracketedIpv6Ipv4AndNames() {
    assertThat(ListenAddress.parse("f", "[::1]:8443")).isEqualTo(new ListenAddress("::1", 8443));
    assertThat(ListenAddress.parse("f", "[fd00:0:0:1::1]:443").urlHost()).isEqualTo("[fd00:0:0:1::1]");
    assertThat(ListenAddress.parse("f", "127.0.0.1:0")).isEqualTo(new ListenAddress("127.0.0.1", 0));
    assertThat(ListenAddress.parse("f", "localhost:9090").port()).isEqualTo(9090);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[2001:db8:meta::1]:443", "::1:8443", "[::1]", "[::1]:99999", "", "host", "[fd00:boot:lab:a::1]:1"})
  void refusesInvalidAddressesNamingTheFlag(String text) {
    assertThatThrownBy(() -> ListenAddress.parse("--boot-listen", text))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("--boot-listen:");
  }
}
