package nettboot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import nettboot.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke run of the reboot-storm benchmark against the edge it starts (numbers are printed, never asserted). */
class StormCommandTest {
  @Test
  void quickHandshakeStormAgainstTheEdgeItStartsPrintsTheTableAndTheScenarioLine(@TempDir Path tmp) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = BenchCommand.run("storm", "--quick", "--scenario", "a", "--machines", "300",
          "--concurrency", "50", "--warmup", "1", "--work-dir", tmp.toString());
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(text).isEqualTo(0);
    assertThat(text).contains("p99_ms").containsPattern("(?m)^a\\s+burst\\s+edge\\s+300 0 ");
    assertThat(text).containsPattern("(?m)^storm a: edge=\\d+\\.\\d nginx=- ratio=- p99_ms=\\d+\\.\\d/- errors=0/-$");
    assertThat(tmp).as("the lab directory is removed afterwards").isEmptyDirectory();
  }

  @Test
  void refusesAnUnknownScenarioAndTargetWithNginx(@TempDir Path tmp) throws Exception {
    assertThat(BenchCommand.run("storm", "--scenario", "z", "--work-dir", tmp.toString()))
        .isEqualTo(Main.EXIT_INVALID);
    assertThat(BenchCommand.run("storm", "--target", "https://[::1]:1", "--vs-nginx"))
        .isEqualTo(Main.EXIT_INVALID);
    assertThat(Files.list(tmp).count()).isZero();
  }
}
