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
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.EmbeddedCa;
import nettboot.edge.ListenAddress;
import nettboot.redfish.sim.BmcSpec;
import nettboot.redfish.sim.Fault;
import nettboot.redfish.sim.SimSettings;
import nettboot.redfish.sim.SimTls;
import nettboot.redfish.sim.SimulatedBmc;
import nettboot.redfish.sim.Simulator;
import nettboot.redfish.sim.VendorProfile;
import nettboot.redfish.sim.qemu.QemuFlags;
import nettboot.redfish.sim.qemu.QemuMachines;
import nettboot.redfish.sim.qemu.QemuVm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs simulated BMCs until stopped (Ctrl-C). */
@Command(name = "redfish-sim", mixinStandardHelpOptions = true,
    description = {"Run simulated Redfish BMCs (vendor profiles, fault injection) until Ctrl-C.",
        "Profiles generic, idrac, ilo, supermicro, xcc, openbmc, multi (two systems); fault injection; many BMCs on consecutive ports. HTTPS with a certificate from a lab CA in --pki",
        "(created if missing; pin its root-ca.crt), or --plain-http for debugging. The password is read",
        "from --password-file, or generated into PKI/bmc-password (0600).",
        "With --qemu DIR every BMC's system is a QEMU VM (machine directory DIR/bmc-N): power starts and",
        "stops it, InsertMedia downloads the ISO into it as its CD, the boot override sets its boot order.",
        "VMs start Off; Ctrl-C stops every VM."})
final class RedfishSimCommand implements Runnable {
  @Option(names = "--profile", defaultValue = "generic", description = "One of " + "generic, idrac, ilo, supermicro, xcc, openbmc, multi (default: ${DEFAULT-VALUE})")
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

  @Option(names = "--qemu", paramLabel = "DIR", description = "Back each BMC with a QEMU VM; machine directories DIR/bmc-N")
  Path qemuDir;

  @Option(names = "--qemu-nic", paramLabel = "N:TAP[,MAC]", description = "BMC N's next NIC on an existing tap device; repeatable (default: no NIC; MAC derived from the UUID)")
  List<String> qemuNics = new ArrayList<>();

  @Option(names = "--qemu-netns", paramLabel = "N:NS", description = "Run BMC N's QEMU in network namespace NS (needs root); repeatable")
  List<String> qemuNetns = new ArrayList<>();

  @Option(names = "--qemu-uuid", paramLabel = "N:UUID", description = "BMC N's SMBIOS UUID (default: derived from its directory); repeatable")
  List<String> qemuUuids = new ArrayList<>();

  @Option(names = "--bmc-profile", paramLabel = "N:PROFILE", description = "BMC N's vendor profile instead of --profile; repeatable")
  List<String> bmcProfiles = new ArrayList<>();

  @Option(names = "--qemu-arch", defaultValue = "x86_64", description = "x86_64 (q35 + OVMF) or arm64 (virt + AAVMF) (default: ${DEFAULT-VALUE})")
  String qemuArch;

  @Option(names = "--qemu-memory", defaultValue = "1024", paramLabel = "MIB", description = "Guest memory in MiB (default: ${DEFAULT-VALUE})")
  int qemuMemory;

  @Option(names = "--qemu-disk-size", defaultValue = "4G", description = "Local disk size when created (default: ${DEFAULT-VALUE})")
  String qemuDiskSize;

  @Option(names = "--qemu-disk-format", defaultValue = "raw", description = "raw (sparse) or qcow2 (needs qemu-img) (default: ${DEFAULT-VALUE})")
  String qemuDiskFormat;

  @Option(names = "--qemu-accel", defaultValue = "tcg", description = "tcg or kvm (default: ${DEFAULT-VALUE})")
  String qemuAccel;

  @Option(names = "--qemu-graceful-timeout", defaultValue = "60", paramLabel = "SECONDS", description = "GracefulShutdown/Restart wait for the guest before forcing (default: ${DEFAULT-VALUE})")
  long qemuGracefulSeconds;

  @Override
  public void run() {
    VendorProfile p = VendorProfile.named(profile);
    ListenAddress addr = ListenAddress.parse("--listen", listen);
    if (count < 1 || count > 5000 || (addr.port() != 0 && addr.port() + count - 1 > 65535)) {
      throw new InvalidInputException("--count", "must be 1..5000 and fit the port range");
    }
    List<Fault> parsed = faults.stream().map(Fault::parse).toList();
    // every flag is checked, then the host, before anything is created
    List<VendorProfile> profiles = perBmcProfiles(p);
    List<QemuVm> vms = qemuDir == null ? List.of() : QemuMachines.prepare(qemuFlags().specs());
    EmbeddedCa ca = plainHttp ? null : SimTls.ca(pki, List.of(addr.host()));
    String password = password();
    SimSettings s = new SimSettings(p, user, password, ca == null ? null : SimTls.keyCert(ca), parsed,
        Duration.ofMillis(powerDelayMs), Duration.ofMillis(postMs));
    List<BmcSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      specs.add(new BmcSpec(s.withProfile(profiles.get(i)), vms.isEmpty() ? null : vms.get(i)));
    }
    Vertx vertx = Vertx.vertx();
    // from here on, Ctrl-C (or a failed start) stops every VM this command owns
    AtomicReference<Simulator> started = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        vms.forEach(QemuVm::close); // first: a graceful shutdown in progress must not hold the exit up
        Simulator running = started.get();
        if (running != null) {
          Await.result(running.stop().compose(v -> vertx.close()), Duration.ofSeconds(30), "stopping the simulator");
        } else {
          Await.result(vertx.close(), Duration.ofSeconds(30), "stopping the simulator");
        }
      } catch (RuntimeException e) {
        System.err.println("redfish-sim: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "redfish-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Simulator sim;
    try {
      sim = Await.result(Simulator.start(vertx, addr.host(), addr.port(), specs), Duration.ofMinutes(2),
          "starting the simulator");
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
      throw e;
    }
    started.set(sim);
    System.out.println("redfish-sim: " + count + " " + p.name() + " BMC(s)" + (parsed.isEmpty() ? "" : " with faults " + parsed)
        + (vms.isEmpty() ? "" : ", each a QEMU VM (" + qemuArch + ", " + qemuAccel + "), Off until powered on"));
    List<SimulatedBmc> bmcs = sim.bmcs();
    for (int i = 0; i < Math.min(bmcs.size(), 10); i++) {
      System.out.println("  " + bmcs.get(i).url() + "/redfish/v1/" + (bmcs.get(i).profile().equals(p.name()) ? ""
          : " (" + bmcs.get(i).profile() + ")") + (vms.isEmpty() ? "" : "  " + QemuMachines.describe(vms.get(i).spec())));
    }
    if (bmcs.size() > 10) {
      System.out.println("  ... " + (bmcs.size() - 10) + " more, up to " + bmcs.get(bmcs.size() - 1).url());
    }
    System.out.println("  user " + user + ", password in " + (passwordFile != null ? passwordFile : pki.resolve("bmc-password")));
    if (ca != null) {
      System.out.println("  pin " + ca.rootCertPath() + " (sha256 " + ca.rootFingerprint() + ")");
    }
    System.out.println("Ctrl-C stops" + (vms.isEmpty() ? "." : " (and stops every VM)."));
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private QemuFlags qemuFlags() {
    return new QemuFlags(qemuDir, count, qemuArch, qemuMemory, qemuDiskSize, qemuDiskFormat, qemuAccel,
        qemuGracefulSeconds, qemuNics, qemuNetns, qemuUuids);
  }

  /** --qemu-* flags need --qemu; --bmc-profile N:P gives BMC N its own profile. */
  private List<VendorProfile> perBmcProfiles(VendorProfile p) {
    if (qemuDir == null) {
      for (var f : List.of(Map.entry("--qemu-nic", qemuNics), Map.entry("--qemu-netns", qemuNetns),
          Map.entry("--qemu-uuid", qemuUuids))) {
        if (!f.getValue().isEmpty()) {
          throw new InvalidInputException(f.getKey(), "needs --qemu DIR");
        }
      }
    }
    List<VendorProfile> out = new ArrayList<>(java.util.Collections.nCopies(count, p));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (String v : bmcProfiles) {
      String[] np = v.split(":", 2);
      int i;
      try {
        i = np.length == 2 ? Integer.parseInt(np[0]) : -1;
      } catch (NumberFormatException e) {
        i = -1;
      }
      if (i < 0 || i >= count) {
        throw new InvalidInputException("--bmc-profile", "expected N:PROFILE with N one of 0.." + (count - 1) + ", not " + v);
      }
      if (!seen.add(i)) {
        throw new InvalidInputException("--bmc-profile", "BMC " + i + " has two profiles");
      }
      try {
        out.set(i, VendorProfile.named(np[1]));
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--bmc-profile", "unknown profile '" + np[1] + "'; one of " + VendorProfile.NAMES);
      }
    }
    return out;
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
