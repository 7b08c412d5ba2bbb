package nettboot.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressesTest {

  @ParameterizedTest
  @CsvSource({
    "fd00::1, fd00::1",
    "FD00:0:0:0:0:0:0:1, fd00::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
    "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
    "::ffff:192.0.2.1, ::ffff:c000:201",
    "fd00:0:0:1::1, fd00:0:0:1::1",
    "192.0.2.10, 192.0.2.10",
    "0.0.0.0, 0.0.0.0",
    "boot.example.net, boot.example.net",
    "metadata, metadata",
  })
  void validServerAddressesAreAcceptedInCanonicalForm(String in, String canonical) throws Exception {
    assertThat(Addresses.requireServerAddress("addr", in)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fd00::1", "2001:db8::ff00:42:8329", "1:2:3:4:5:6:7:8", "::", "192.0.2.10"})
  void literalBytesMatchTheJdkParser(String literal) throws Exception {
    assertThat(Addresses.ipLiteral(literal)).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(jdkBytes(literal)));
  }

  private static byte[] jdkBytes(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "2001:db8:meta::1", "fd00:boot:lab:a::1", "2001:db8:boot:strap::", "1::2::3", ":::",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::1", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
    "[fd00::1]", "fe80::1%eth0", "::ffff:1.2.3", "::1.2.3.4:5", "fd00::g",
    "256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.", "1..2.3",
    "Boot.Example", "-boot.example", "boot_example", "boot example", ""
  })
  void invalidServerAddressesAreRefusedNamingFieldAndValue(String bad) {
    assertThatThrownBy(() -> Addresses.requireServerAddress("serverAddresses[2]", bad))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("serverAddresses[2]"))
        .hasMessageContaining(bad.isEmpty() ? "missing" : bad);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2001:db8:meta::1", "fd00:boot:lab:a::1"})
  void seedExampleIpv6TextIsNotIpv6(String bad) {
    assertThatThrownBy(() -> Addresses.requireIpv6("metadataServer", bad))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a valid IPv6 address")
        .hasMessageContaining(bad);
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.1", "10.0.0.1"})
  void aDomainMustNotBeAnIpAddress(String ip) {
    assertThatThrownBy(() -> Addresses.requireDomain("bootDomain", ip))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bootDomain");
  }

  @ParameterizedTest
  @CsvSource({
      "fd00:0:0:0:0:0:0:7, fd00::7",
      "fd00::7%eth0, fd00::7",
      "FE80:0:0:0:0:0:0:1%2, fe80::1",
      "127.0.0.1, 127.0.0.1",
      "host.example%x, host.example"})
  void aPeerAddressIsCanonicalWithoutItsZone(String peer, String canonical) {
    assertThat(Addresses.canonicalPeer(peer)).isEqualTo(canonical);
  }
}
