package nettboot.core.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootUrlsTest {
  @ParameterizedTest
  @CsvSource({
      "fd00:0:0:0:0:0:0:1, 8443, https://[fd00::1]:8443, [fd00::1]",
      "fd00::1, 443, https://[fd00::1], [fd00::1]",
      "fe80::1%eth0, 8443, https://[fe80::1%25eth0]:8443, [fe80::1%25eth0]",
      "127.0.0.1, 8443, https://127.0.0.1:8443, 127.0.0.1",
      "127.0.0.1, 443, https://127.0.0.1, 127.0.0.1"})
  void theUrlBaseAndItsHost(String address, int port, String base, String host) {
    assertThat(BootUrls.urlBase(address, port)).isEqualTo(base);
    assertThat(BootUrls.host(base)).isEqualTo(host);
  }

  @ParameterizedTest
  @CsvSource({"9443, https://[fd00::1]:9443", "443, https://[fd00::1]"})
  void theConfigListenerIsOnTheSameHost(int port, String want) {
    assertThat(BootUrls.configBase("[fd00::1]", port)).isEqualTo(want);
  }

  @ParameterizedTest
  @CsvSource({"[fd00::1], [fd00::1]:50001", "boot.example, boot.example:50001"})
  void theEventsSinkIsAGrpcTarget(String host, String want) {
    assertThat(BootUrls.eventsSink(host, 50001)).isEqualTo(want);
  }
}
