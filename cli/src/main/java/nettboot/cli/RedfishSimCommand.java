package nettboot.cli;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.EmbeddedCa;
import nettboot.edge.ListenAddress;
import nettboot.redfish.sim.Fault;
import nettboot.redfish.sim.SimSettings;
import nettboot.redfish.sim.SimTls;
import nettboot.redfish.sim.SimulatedBmc;
import nettboot.redfish.sim.Simulator;
import nettboot.redfish.sim.VendorProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs simulated BMCs until stopped (Ctrl-C). */
@Command(name = "redfish-sim", mixinStandardHelpOptions = true,
    description = {"Run simulated Redfish BMCs (vendor profiles, fault injection) until Ctrl-C.",
        "Profiles generic, idrac, ilo, supermicro, xcc, openbmc; fault injection; many BMCs on consecutive ports. HTTPS with a certificate from a lab CA in --pki",
        "(created if missing; pin its root-ca.crt), or --plain-http for debugging. The password is read",
        "from --password-file, or generated into PKI/bmc-password (0600)."})
final class RedfishSimCommand implements Runnable {
  @Option(names = "--profile", defaultValue = "generic", description = "One of " + "generic, idrac, ilo, supermicro, xcc, openbmc (default: ${DEFAULT-VALUE})")
  String profile;

  @Option(names = "--listen", defaultValue = "[::1]:8000", description = "First BMC's address:port; more BMCs take the next ports (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--count", defaultValue = "1", description = "Number of BMCs (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--fault", description = "Inject a fault; repeatable: " + Fault.SYNTAX)
  List<String> faults = new ArrayList<>();

  @Option(names = "--pki", defaultValue = "redfish-sim-pki", description = "CA directory for the TLS certificate (default: ${DEFAULT-VALUE})")
  Path pki;

  @Option(names = "--plain-http", description = "Serve plain HTTP (debugging; clients must be insecure)")
  boolean plainHttp;

  @Option(names = "--user", defaultValue = "admin", description = "BMC user (default: ${DEFAULT-VALUE})")
  String user;

  @Option(names = "--password-file", description = "File holding the BMC password")
  Path passwordFile;

  @Option(names = "--power-delay-ms", defaultValue = "2000", description = "Power transition time (default: ${DEFAULT-VALUE})")
  long powerDelayMs;

  @Option(names = "--post-ms", defaultValue = "5000", description = "Time in POST after power-on (default: ${DEFAULT-VALUE})")
  long postMs;

  @Override
  public void run() {
    VendorProfile p = VendorProfile.named(profile);
    ListenAddress addr = ListenAddress.parse("--listen", listen);
    if (count < 1 || count > 5000 || (addr.port() != 0 && addr.port() + count - 1 > 65535)) {
      throw new InvalidInputException("--count", "must be 1..5000 and fit the port range");
    }
    List<Fault> parsed = faults.stream().map(Fault::parse).toList();
    EmbeddedCa ca = plainHttp ? null : SimTls.ca(pki, List.of(addr.host()));
    String password = password();
    SimSettings s = new SimSettings(p, user, password, ca == null ? null : SimTls.keyCert(ca), parsed,
        Duration.ofMillis(powerDelayMs), Duration.ofMillis(postMs));
    Vertx vertx = Vertx.vertx();
    Simulator sim = Await.result(Simulator.start(vertx, s, addr.host(), addr.port(), count), Duration.ofMinutes(2),
        "starting the simulator");
    System.out.println("redfish-sim: " + count + " " + p.name() + " BMC(s)" + (parsed.isEmpty() ? "" : " with faults " + parsed));
    List<SimulatedBmc> bmcs = sim.bmcs();
    for (int i = 0; i < Math.min(bmcs.size(), 10); i++) {
      System.out.println("  " + bmcs.get(i).url() + "/redfish/v1/");
    }
    if (bmcs.size() > 10) {
      System.out.println("  ... " + (bmcs.size() - 10) + " more, up to " + bmcs.get(bmcs.size() - 1).url());
    }
    System.out.println("  user " + user + ", password in " + (passwordFile != null ? passwordFile : pki.resolve("bmc-password")));
    if (ca != null) {
      System.out.println("  pin " + ca.rootCertPath() + " (sha256 " + ca.rootFingerprint() + ")");
    }
    System.out.println("Ctrl-C stops.");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Await.result(sim.stop().compose(v -> vertx.close()), Duration.ofSeconds(20), "stopping the simulator");
      } finally {
        stopped.countDown();
      }
    }, "redfish-sim-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String password() {
    if (passwordFile != null) {
      return RedfishCommand.readSecret(passwordFile);
    }
    try {
      Files.createDirectories(pki);
      Path f = pki.resolve("bmc-password");
      if (Files.exists(f)) {
        return RedfishCommand.readSecret(f);
      }
      byte[] b = new byte[12];
      new SecureRandom().nextBytes(b);
      String pw = HexFormat.of().formatHex(b);
      SecureFiles.write(f, (pw + "\n").getBytes(StandardCharsets.UTF_8), true, false);
      return pw;
    } catch (java.io.IOException e) {
      throw new InvalidInputException(pki.toString(), "cannot write the generated password: " + e.getMessage());
    }
  }
}
