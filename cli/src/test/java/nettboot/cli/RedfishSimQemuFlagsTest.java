package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code redfish-sim --qemu}: bad flags and missing host pieces end with one line per problem, nothing started. */
class RedfishSimQemuFlagsTest {
  @Test
  void badFlagsNameTheFlagAndStartNothing(@TempDir Path tmp) {
    String pki = tmp.resolve("pki").toString();
    String vms = tmp.resolve("vms").toString();
    var r = RedfishCommandTest.run("redfish-sim", "--qemu", vms, "--count", "2", "--qemu-nic", "2:tap0", "--pki", pki);
    assertThat(r.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.stderr().strip()).isEqualTo("talos-fabric-builder redfish-sim: --qemu-nic: BMC index 2 is not one of 0..1 (--count 2)");
    r = RedfishCommandTest.run("redfish-sim", "--qemu-netns", "0:ns", "--pki", pki);
    assertThat(r.stderr().strip()).isEqualTo("talos-fabric-builder redfish-sim: --qemu-netns: needs --qemu DIR");
    r = RedfishCommandTest.run("redfish-sim", "--qemu", vms, "--count", "2", "--bmc-profile", "1:nope", "--pki", pki);
    assertThat(r.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.stderr()).contains("--bmc-profile: unknown profile 'nope'");
    assertThat(Files.exists(tmp.resolve("vms"))).as("nothing created").isFalse();
    assertThat(Files.exists(tmp.resolve("pki"))).as("nothing created").isFalse();
  }

  @Test
  void missingHostPiecesAreListedOneLineEachBeforeAnythingStarts(@TempDir Path tmp) {
    var r = RedfishCommandTest.run("redfish-sim", "--qemu", tmp.resolve("vms").toString(), "--count", "2",
        "--qemu-nic", "0:nbsimnotap0", "--qemu-netns", "1:nbsim-no-such-ns", "--pki", tmp.resolve("pki").toString(),
        "--listen", "[::1]:0");
    assertThat(r.code()).isEqualTo(Main.EXIT_UNAVAILABLE);
    assertThat(r.stderr()).contains("cannot run QEMU-backed BMCs on this host:")
        .contains("  - tap nbsimnotap0 of bmc-0 does not exist")
        .containsPattern("  - (network namespace nbsim-no-such-ns of bmc-1 does not exist|running QEMU in network namespace nbsim-no-such-ns needs root)");
    assertThat(Files.exists(tmp.resolve("vms"))).as("nothing created").isFalse();
    assertThat(Files.exists(tmp.resolve("pki"))).as("nothing created").isFalse();
  }
}
