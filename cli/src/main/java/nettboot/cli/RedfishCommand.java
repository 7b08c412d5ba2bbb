package nettboot.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.redfish.FleetJob;
import nettboot.core.redfish.FleetProvisioner;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ProvisioningFlow;
import nettboot.core.redfish.RedfishOptions;
import nettboot.core.talos.NodesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Zero-touch provisioning over Redfish, and the per-BMC compatibility check. */
@Command(name = "redfish", mixinStandardHelpOptions = true,
    description = {"Zero-touch provisioning over Redfish: mount the ISO, boot the virtual CD, reset.",
        "Mounts the tenant ISO as virtual media on BMCs, makes the virtual CD the permanent first",
        "boot device and resets. Credentials come from files or environment variables, never the command",
        "line; BMC certificates are pinned (certificate or CA PEM) unless insecure is set explicitly."},
    subcommands = {RedfishCommand.Provision.class, RedfishCommand.Check.class})
final class RedfishCommand {

  @Command(name = "provision", mixinStandardHelpOptions = true,
      description = {"Provision every node of the nodes file that has a bmc: block, at most --parallel at a",
          "time. One BMC failing never stops the others. The nodes file is checked completely first",
          "(bad URL, missing credentials or certificate: nothing is contacted). Prints a progress line and",
          "a final table; exit code 0 when every BMC succeeded, 7 when some failed."})
  static final class Provision implements Runnable {
    @Option(names = "--nodes", required = true, description = "nodes.yaml (nodes[].name and nodes[].bmc are read)")
    Path nodes;

    @Option(names = "--media-url-base", required = true,
        description = "Each node mounts <base>/<node-name>.iso unless its bmc.mediaUrl says otherwise")
    String mediaUrlBase;

    @Option(names = "--parallel", defaultValue = "16", description = "BMCs in flight at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--dry-run", description = "Everything but the reset")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    Deadlines deadlines = new Deadlines();

    @Option(names = "--no-identity-check", description = {"Do not compare each node's uuid/macs with its System's",
        "(logged and shown in the report)"})
    boolean noIdentityCheck;

    @Override
    public void run() {
      if (parallel < 1 || parallel > 1000) {
        throw new InvalidInputException("--parallel", "must be between 1 and 1000");
      }
      String base = mediaBase(mediaUrlBase);
      List<FleetJob> jobs = new ArrayList<>();
      for (NodesFile.BmcEntry e : NodesFile.readBmcs(nodes, System::getenv)) {
        String media = e.mediaUrl() != null ? e.mediaUrl() : base + "/" + e.name() + ".iso";
        warnPlainMedia(e.name(), media);
        jobs.add(new FleetJob(e.target(), media, noIdentityCheck ? e.identity().unchecked() : e.identity()));
      }
      if (noIdentityCheck) {
        System.err.println("redfish provision: WARNING: identity check turned off (--no-identity-check): "
            + "a swapped BMC address provisions and resets the wrong machine");
      }
      if (jobs.isEmpty()) {
        throw new InvalidInputException(nodes.toString(), "no node has a bmc: block; nothing to provision");
      }
      Vertx vertx = Vertx.vertx();
      try {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        boolean tty = System.console() != null;
        FleetProvisioner fleet = new FleetProvisioner(new ProvisioningFlow(vertx, deadlines.options(), line -> {
          synchronized (System.err) {
            System.err.print(tty ? "\r\033[K" + line + "\n" : line + "\n");
            System.err.flush();
          }
        }));
        long bmcs = jobs.stream().map(j -> j.target().bmcKey()).distinct().count();
        System.err.println((dryRun ? "dry run (no reset): " : "") + "provisioning " + jobs.size() + " nodes on "
            + bmcs + " BMCs, " + Math.min(parallel, bmcs) + " BMCs at a time");
        List<ProvisionReport> reports = Await.result(fleet.provision(jobs, parallel, dryRun ? Mode.DRY_RUN : Mode.FULL,
            r -> {
              int d = done.incrementAndGet();
              int f = r.ok() ? failed.get() : failed.incrementAndGet();
              String line = "[" + d + "/" + jobs.size() + "] " + (d - f) + " ok, " + f + " failed; last "
                  + r.node() + " " + (r.ok() ? (dryRun ? "ok (dry run)" : "ok") : "FAILED at " + r.failedStep());
              synchronized (System.err) {
                System.err.print(tty ? "\r\033[K" + line : line + "\n");
                System.err.flush();
              }
            }), Duration.ofSeconds((long) deadlines.nodeTimeout * jobs.size() + 60), "redfish provisioning");
        if (tty) {
          System.err.println();
        }
        ReportPrinter.table(reports, System.out);
        System.out.flush();
        if (reports.stream().anyMatch(r -> !r.ok())) {
          throw new PartialFailure();
        }
      } finally {
        vertx.close();
      }
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Run the flow against one BMC and print a compatibility report: each step, what the BMC",
          "answered, which fallbacks or quirks were needed, and whether permanent boot interception is",
          "achievable. Without --media-url only reads; with --media-url --dry-run mounts the image and",
          "sets the boot override but does not reset; with --media-url alone runs everything.",
          "Exit code 0 when the flow succeeded, 7 when it did not."})
  static final class Check implements Runnable {
    @Option(names = "--bmc", required = true, description = "BMC base URL, e.g. https://[fd00::10]")
    String bmc;

    @Option(names = "--user", required = true, description = "BMC user name")
    String user;

    @Option(names = "--password-file", required = true, description = "File holding the BMC password")
    Path passwordFile;

    @Option(names = "--certificate", description = "The BMC's certificate or its CA (PEM) to pin")
    Path certificate;

    @Option(names = "--insecure", description = "Do not verify the BMC's certificate (logged)")
    boolean insecure;

    @Option(names = "--media-url", description = "ISO URL the BMC should mount")
    String mediaUrl;

    @Option(names = "--dry-run", description = "With --media-url: everything but the reset")
    boolean dryRun;

    @Option(names = "--system", description = "The System's Id or @odata.id, when the BMC has several")
    String system;

    @Option(names = "--format", defaultValue = "text", description = "text or json (schema: docs/redfish-report.schema.json)")
    String format;

    @picocli.CommandLine.Mixin
    Deadlines deadlines = new Deadlines();

    @Override
    public void run() {
      if (!format.equals("text") && !format.equals("json")) {
        throw new InvalidInputException("--format", "text or json; got " + format);
      }
      if ((certificate == null) == !insecure) {
        throw new InvalidInputException("--certificate", "give exactly one of --certificate FILE or --insecure");
      }
      URI url = BmcTarget.requireBmcUrl("--bmc", bmc);
      BmcTrust trust = insecure ? new BmcTrust.Insecure()
          : new BmcTrust.Pinned(Pem.readCertificates(certificate), certificate.toString());
      BmcTarget target = new BmcTarget(url.getHost(), url, new BmcCredentials(user, readSecret(passwordFile)), trust,
          system == null ? null : BmcTarget.requireSystem("--system", system));
      if (insecure && "https".equals(url.getScheme())) {
        System.err.println("redfish check: WARNING: TLS certificate verification disabled (--insecure)");
      }
      if (mediaUrl != null) {
        mediaBase(mediaUrl);
        warnPlainMedia(url.getHost(), mediaUrl);
      }
      Mode mode = mediaUrl == null ? Mode.DISCOVER : dryRun ? Mode.DRY_RUN : Mode.FULL;
      Vertx vertx = Vertx.vertx();
      try {
        ProvisionReport r = Await.result(new ProvisioningFlow(vertx, deadlines.options(), line -> {
          System.err.println(line);
        }).run(target, mediaUrl, mode), deadlines.await(), "redfish check");
        if (format.equals("json")) {
          ReportPrinter.json(r, System.out);
        } else {
          ReportPrinter.compatibility(r, System.out);
        }
        System.out.flush();
        if (!r.ok()) {
          throw new PartialFailure();
        }
      } finally {
        vertx.close();
      }
    }
  }

  /** Some BMC failed; the report has already been printed. Main maps it to exit code 7. */
  static final class PartialFailure extends RuntimeException {
    PartialFailure() {
      super("not every BMC succeeded (see the report above)", null, false, false);
    }
  }

  /** The deadline flags both subcommands share. */
  static final class Deadlines {
    @Option(names = "--request-timeout", defaultValue = "30", description = "Seconds for each answer (default: ${DEFAULT-VALUE})")
    int requestTimeout = 30;

    @Option(names = "--connect-timeout", defaultValue = "5",
        description = "Seconds to establish a TCP connection (default: ${DEFAULT-VALUE})")
    int connectTimeout = 5;

    @Option(names = "--handshake-timeout", defaultValue = "10",
        description = "Seconds for the TLS handshake (default: ${DEFAULT-VALUE})")
    int handshakeTimeout = 10;

    @Option(names = "--operation-timeout", defaultValue = "180",
        description = "Seconds for one request with its retries (default: ${DEFAULT-VALUE})")
    int operationTimeout = 180;

    @Option(names = "--node-timeout", defaultValue = "1800",
        description = "Seconds for the whole flow of one node; then nothing more is sent (default: ${DEFAULT-VALUE})")
    int nodeTimeout = 1800;

    RedfishOptions options() {
      positive("--request-timeout", requestTimeout);
      positive("--connect-timeout", connectTimeout);
      positive("--handshake-timeout", handshakeTimeout);
      positive("--operation-timeout", operationTimeout);
      positive("--node-timeout", nodeTimeout);
      RedfishOptions d = RedfishOptions.defaults().withRequestTimeout(Duration.ofSeconds(requestTimeout));
      return d.withContactTimeouts(Duration.ofSeconds(connectTimeout), Duration.ofSeconds(handshakeTimeout),
              d.firstContactTimeout())
          .withDeadlines(Duration.ofSeconds(operationTimeout), Duration.ofSeconds(nodeTimeout));
    }

    /** How long the command waits for a flow that enforces its own node deadline. */
    Duration await() {
      return Duration.ofSeconds(nodeTimeout + 60L);
    }

    private static void positive(String flag, int seconds) {
      if (seconds < 1) {
        throw new InvalidInputException(flag, "must be at least 1 second");
      }
    }
  }

  static RedfishOptions options(int requestTimeoutSeconds) {
    Deadlines d = new Deadlines();
    d.requestTimeout = requestTimeoutSeconds;
    return d.options();
  }

  /** The ISO holds the tenant's key: say so when it travels unencrypted. */
  static void warnPlainMedia(String node, String mediaUrl) {
    if (mediaUrl.startsWith("http://")) {
      System.err.println("redfish: WARNING: " + node + ": media URL " + mediaUrl + " is plain http://; the ISO holds "
          + "the tenant's key and anyone on the path can read or replace it (use https://)");
    }
  }

  static String mediaBase(String text) {
    String t = text.strip();
    URI u;
    try {
      u = new URI(t);
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException("--media-url", "not a URL: " + e.getReason());
    }
    if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http")) || u.getHost() == null) {
      throw new InvalidInputException("--media-url", "expected an http(s):// URL with a host");
    }
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  static String readSecret(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new InvalidInputException(file.toString(), "empty; expected the password");
      }
      return s;
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}
