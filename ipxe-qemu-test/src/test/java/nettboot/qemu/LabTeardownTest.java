package nettboot.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nettboot.lab.LabState;
import nettboot.lab.Teardown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code talos-fabric-builder lab up} in a child JVM, stopped while it runs: Ctrl-C (SIGTERM)
 * leaves nothing behind by itself; after {@code kill -9} the state file remains and
 * {@code lab down} removes every namespace, process and FRR run directory.
 */
class LabTeardownTest {
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void ctrlCLeavesNothingAndLabDownCleansUpAfterKill9() throws Exception {
    for (boolean kill9 : new boolean[] {false, true}) {
      String name = "d" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
      Path dir = Path.of(System.getProperty("nettboot.e2eLogs", "target/e2e-logs")).toAbsolutePath()
          .resolveSibling("lab-teardown-" + name);
      List<String> cmd = new ArrayList<>(ChildJava.command("nettboot.cli.Main"));
      cmd.addAll(List.of("lab", "up", "--name", name, "--dir", dir.toString(), "--machines", "1",
          "--nodes", Payload.repo().resolve("examples/lab-nodes.yaml").toString()));
      Path log = dir.resolveSibling("lab-teardown-" + name + ".log");
      Process p = new ProcessBuilder(cmd).directory(Payload.repo().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Files.readString(log).contains("server: metadata server up") && p.isAlive() && System.nanoTime() < end) {
          Thread.sleep(200);
        }
        assertThat(Files.readString(log)).as("lab up output").contains("server: metadata server up");
        List<String> namespaces = Teardown.namespacesWithPrefix("nb" + name + "-");
        assertThat(namespaces).hasSize(4);
        assertThat(LabState.read(dir).processes()).hasSizeGreaterThanOrEqualTo(7);
        if (kill9) {
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          assertThat(Teardown.namespacesWithPrefix("nb" + name + "-")).as("a crash leaves the lab").hasSize(4);
          assertThat(nettboot.cli.Main.run("lab", "down", "--name", name, "--dir", dir.toString())).isZero();
        } else {
          p.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook tears the lab down
          assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        System.out.println((kill9 ? "kill -9 + lab down" : "Ctrl-C") + ": " + namespaces + " removed");
        assertThat(Teardown.namespacesWithPrefix("nb" + name + "-")).as("namespaces left").isEmpty();
        assertThat(dir.resolve("state.json")).doesNotExist();
        for (String ns : namespaces) {
          assertThat(Path.of("/var/run/frr", ns)).doesNotExist();
        }
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> String.join(" ", a)
            .contains("nb" + name + "-")).orElse(false)).toList()).as("processes of the lab").isEmpty();
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
    }
  }
}
