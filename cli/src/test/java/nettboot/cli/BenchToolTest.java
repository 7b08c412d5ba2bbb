package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI jar lists 'bench' and points to the separate tool; it does not contain the benchmarks. */
class BenchToolTest {
  @Test
  void helpListsBenchAsASeparateToolAndRunningItHereIsInvalidInput() {
    assertThat(new CommandLine(new Main()).getUsageMessage())
        .containsPattern("(?m)^  bench\\s+Benchmarks: a separate tool in bench/");
    assertThat(Main.run("bench", "storm", "--quick")).isEqualTo(Main.EXIT_INVALID);
  }

  @Test
  void theBenchmarkClassesAreNotInTheCli() {
    assertThat(Main.class.getResource("StormCommand.class")).isNull();
    assertThat(Main.class.getResource("StormLoad.class")).isNull();
  }
}
