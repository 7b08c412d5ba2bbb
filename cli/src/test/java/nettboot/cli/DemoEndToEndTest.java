package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job as a new user runs it: 'demo' prints a curl command; the real curl binary
 * gets the demo machine's iPXE script with the tenant certificate; after the machine is marked
 * Active through the CLI, the same command gets "boot the local disk" (404).
 */
class DemoEndToEndTest {
  @Test
  void thePrintedCurlCommandReturnsTheDemoMachinesBootScript(@TempDir Path tmp) throws Exception {
    Path lab = tmp.resolve("lab");
    try (ChildJvm demo = new ChildJvm(tmp.resolve("demo.log"), "demo", "--dir", lab.toString(),
        "--boot-listen", "[::1]:0", "--config-listen", "[::1]:0", "--admin-listen", "[::1]:0",
        "--ops-listen", "[::1]:0")) {
      String curl = demo.await(l -> l.trim().startsWith("curl "), Duration.ofSeconds(90)).trim();
      String adminUrl = demo.await(l -> l.trim().startsWith("admin  https://"), Duration.ofSeconds(5))
          .trim().split("\\s+")[1];
      String script = run(curl + " -sS --fail-with-body");
      assertThat(script).startsWith("#!ipxe\n").contains("/v1/artifacts/vmlinuz-demo")
          .contains("talos.halt_if_installed=1");

      assertThat(Main.run("machine", "state", "8e1f0c2a-5b7d-4c3e-9a61-2f4b6d8c0e11", "Active",
          "--reason", "installed", "--pki", lab.resolve("pki").toString(), "--admin-url", adminUrl)).isEqualTo(0);
      String after = run(curl + " -sS -o /dev/null -w %{http_code}");
      assertThat(after).isEqualTo("404");
      assertThat(Main.run("machine", "state", "8e1f0c2a-5b7d-4c3e-9a61-2f4b6d8c0e11", "Provisioning",
          "--pki", lab.resolve("pki").toString(), "--admin-url", adminUrl))
          .as("Active -> Provisioning is illegal").isEqualTo(Main.EXIT_CONFLICT);
    }
  }

  static String run(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
