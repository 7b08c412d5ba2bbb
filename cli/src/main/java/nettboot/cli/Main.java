package nettboot.cli;

import java.io.PrintWriter;
import nettboot.core.error.ConflictException;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.IllegalTransitionException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.StorageFullException;
import nettboot.core.error.TooLargeException;
import nettboot.core.error.UnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code talos-fabric-builder}: the operator's tool for nett-boot. */
@Command(name = "talos-fabric-builder",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Builds and runs the nett-boot bare-metal provisioning system: the lab PKI, the metadata",
        "server iPXE asks on every boot, and the admin client that drives machine lifecycles.",
        "",
        "Exit codes: 0 ok, 1 unexpected failure, 2 invalid input, 3 not found,",
        "4 conflict (duplicate, stale version, illegal transition), 5 forbidden,",
        "6 unavailable (server or database unreachable),",
        "7 some BMCs failed (redfish provision/check; the report says which and why)."},
    subcommands = {
        DemoCommand.class,
        PkiCommand.class,
        MediaCommand.class,
        ServeCommand.class,
        MachineCommand.class,
        ProfileCommand.class,
        TenantCommand.class,
        ArtifactCommand.class,
        BenchTool.class,
        TalosCommand.class,
        FabricCommand.class,
        RedfishCommand.class,
        RedfishSimCommand.class,
        LabCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_INVALID = 2;
  public static final int EXIT_NOT_FOUND = 3;
  public static final int EXIT_CONFLICT = 4;
  public static final int EXIT_FORBIDDEN = 5;
  public static final int EXIT_UNAVAILABLE = 6;
  public static final int EXIT_BMC_FAILED = 7;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setUsageHelpWidth(100);
    cl.setExecutionExceptionHandler(Main::handle);
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Domain errors become one line on stderr and an exit code; only bugs print a stack trace. */
  public static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable t = e;
    while (!(t instanceof NettBootException) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    PrintWriter err = cl.getErr();
    if (t instanceof RedfishCommand.PartialFailure pf) {
      err.println(cl.getCommandSpec().qualifiedName() + ": " + pf.getMessage());
      err.flush();
      return EXIT_BMC_FAILED;
    }
    if (t instanceof NettBootException ne) {
      err.println(cl.getCommandSpec().qualifiedName() + ": " + ne.getMessage());
      if (ne instanceof InvalidInputException invalid) {
        invalid.details().forEach(line -> err.println("  " + line));
      }
      err.flush();
      return exitCode(ne);
    }
    err.println(cl.getCommandSpec().qualifiedName() + ": unexpected failure: " + e);
    e.printStackTrace(err);
    err.flush();
    return EXIT_FAILURE;
  }

  static int exitCode(NettBootException e) {
    return switch (e) {
      case InvalidInputException x -> EXIT_INVALID;
      case NotFoundException x -> EXIT_NOT_FOUND;
      case ConflictException x -> EXIT_CONFLICT;
      case IllegalTransitionException x -> EXIT_CONFLICT;
      case ForbiddenException x -> EXIT_FORBIDDEN;
      case TooLargeException x -> EXIT_INVALID;
      case UnavailableException x -> EXIT_UNAVAILABLE;
      case StorageFullException x -> EXIT_UNAVAILABLE;
    };
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"talos-fabric-builder " + (v == null ? "(development build)" : v)};
    }
  }
}
