package nettboot.cli;

import java.util.List;
import nettboot.core.error.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench} in the command list: the benchmarks are a separate tool (module {@code bench/});
 * the launcher runs them, this jar does not contain them.
 */
@Command(name = "bench", header = "Benchmarks: a separate tool in bench/ (./talos-fabric-builder bench --help).",
    description = {"The reboot-storm and boot-decision benchmarks are a separate tool in bench/;",
        "the launcher builds and runs it: ./talos-fabric-builder bench --help."})
final class BenchTool implements Runnable {
  @Unmatched
  List<String> args;

  @Override
  public void run() {
    throw new InvalidInputException(null, "the benchmarks are a separate tool in bench/, not in this jar:"
        + " run ./talos-fabric-builder bench " + String.join(" ", args == null ? List.of() : args));
  }
}
