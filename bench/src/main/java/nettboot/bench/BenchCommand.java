package nettboot.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmarks of nett-boot, a tool of their own next to the operator's CLI (the launcher runs
 * it as {@code ./talos-fabric-builder bench …}). They print numbers, never pass/fail: measure, do
 * not assert.
 */
@Command(name = "talos-fabric-builder bench", mixinStandardHelpOptions = true,
    versionProvider = BenchCommand.Version.class,
    description = {"Measure the metadata server (prints numbers). 'storm' starts the servers it",
        "measures; 'boot' runs against a server you started.",
        "Exit codes as talos-fabric-builder's: 0 ok, 1 unexpected failure, 2 invalid input, 6 unavailable."},
    subcommands = {BootCommand.class, StormCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this); errors map as in the CLI. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setUsageHelpWidth(100);
    cl.setExecutionExceptionHandler(nettboot.cli.Main::handle);
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BenchCommand.class.getPackage().getImplementationVersion();
      return new String[] {"talos-fabric-builder bench " + (v == null ? "(development build)" : v)};
    }
  }
}
