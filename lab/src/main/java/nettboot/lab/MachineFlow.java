package nettboot.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import nettboot.core.error.UnavailableException;
import nettboot.core.media.Arch;
import nettboot.core.media.MediaSpec;
import nettboot.core.media.TenantMedia;
import nettboot.core.talos.EarlyConfig;

/**
 * The operator flow for each lab machine, one machine at a time (under TCG one VM takes about a
 * core): enrol (New) with the tenant's lab profile, store its Talos config, power on with the
 * tenant ISO as CD; iPXE takes its address from a ToR's RA and netboots from the anycast /128;
 * the payload standing in for Talos fetches the config with the per-boot token and sends Talos's
 * install events; the machine is Active; reset: it boots its disk with the ISO still inserted.
 */
public final class MachineFlow {
  public static final Duration NETBOOT_DEADLINE = Duration.ofSeconds(300);
  public static final Duration DISK_DEADLINE = Duration.ofSeconds(180);
  static final String CMDLINE = "console=ttyS0 panic=-1";

  /** One line of the final table. */
  public record Row(String machine, String bmcProfile, String path, String state, double seconds, String problem) {}

  private final FabricLab lab;
  private final Path repo;
  private final Consumer<String> progress;
  private final String accel;
  private final Map<String, Path> isoByTenant = new HashMap<>();
  private Path diskTemplate;
  private final Map<String, Vm.Spec> specs = new HashMap<>();

  public MachineFlow(FabricLab lab, Path repo, Consumer<String> progress) {
    this.lab = lab;
    this.repo = repo;
    this.progress = progress;
    this.accel = Vm.probeAccel();
  }

  /** Artifacts, one boot profile and one ISO per tenant, the disk stand-in. */
  public void prepare() {
    long t0 = System.nanoTime();
    Path work = lab.dir.resolve("media");
    try {
      Files.createDirectories(work);
      Path kernel = GuestPayload.kernel(repo);
      Path ipxe = GuestPayload.ipxeEfi(repo);
      Path initrd = GuestPayload.initramfs(work.resolve("initrd.img"), kernel, lab.pki().rootCertPath(),
          GuestPayload.talosEventsClient(repo, lab.dir.resolve("go")));
      lab.admin().upload("PUT", "/v1/admin/artifacts/lab-vmlinuz", kernel, "application/octet-stream").expect(200);
      lab.admin().upload("PUT", "/v1/admin/artifacts/lab-initrd.img", initrd, "application/octet-stream").expect(200);
      for (var m : lab.topology.machines()) {
        String tenant = m.node().tenant();
        if (isoByTenant.containsKey(tenant)) {
          continue;
        }
        lab.admin().call("PUT", "/v1/admin/profiles/lab-" + tenant, new io.vertx.core.json.JsonObject()
            .put("tenant", tenant).put("kernel", "lab-vmlinuz").put("initrd", "lab-initrd.img")
            .put("cmdline", CMDLINE).encode()).expect(200);
        isoByTenant.put(tenant, TenantMedia.build(lab.pki(), new MediaSpec(tenant, lab.topology.anycast(),
            Arch.X86_64, ipxe), work.resolve(tenant)).iso());
      }
      diskTemplate = LocalDisk.localDisk(work.resolve("disk-template.img"), ipxe);
    } catch (IOException e) {
      throw new UnavailableException("cannot prepare the machines' media: " + e.getMessage(), e);
    }
    progress.accept(String.format(Locale.ROOT, "media: payload, boot profile and tenant ISO ready in %.1f s (accelerator %s)",
        (System.nanoTime() - t0) / 1e9, accel));
  }

  /** Takes one machine from enrolment to Active and its first disk boot. */
  public Row run(Topology.MachinePlace m) {
    long t0 = System.nanoTime();
    String name = m.node().name();
    String uuid = m.node().uuid().map(Object::toString).orElse(null);
    if (uuid == null) {
      return new Row(name, "-", "CD", "-", 0, "node has no uuid; the lab boots machines by SMBIOS UUID");
    }
    String phase = "enrol";
    try {
      var body = new io.vertx.core.json.JsonObject().put("tenant", m.node().tenant())
          .put("role", m.node().role().wireName()).put("hostname", name).put("uuid", uuid)
          .put("profile", "lab-" + m.node().tenant())
          .put("macs", new io.vertx.core.json.JsonArray(m.node().macs().stream().map(Object::toString).toList()));
      lab.admin().call("POST", "/v1/admin/machines", body.encode()).expect(201);
      Path dir = lab.dir.resolve("machines").resolve(name);
      Files.createDirectories(dir);
      Path config = dir.resolve("talos.yaml");
      Files.writeString(config, "version: v1alpha1\nmachine:\n  type: " + m.node().role().wireName() + "\n---\n"
          + EarlyConfig.trustedRootsDocument(Files.readString(lab.pki().rootCertPath())));
      lab.admin().upload("PUT", "/v1/admin/machines/" + uuid + "/config", config, "application/yaml").expect(200);
      Path disk = dir.resolve("disk.img");
      Files.copy(diskTemplate, disk, StandardCopyOption.REPLACE_EXISTING);
      step(name, "New, config stored; power on with the tenant ISO as CD", t0);
      Vm.Spec spec = new Vm.Spec(m.ns(), name, uuid,
          m.nics().stream().map(n -> new String[] {n.tap(), n.mac().value()}).toList(),
          isoByTenant.get(m.node().tenant()), disk, dir.resolve("OVMF_VARS_4M.fd"));
      specs.put(name, spec);

      phase = "netboot";
      Path installLog = dir.resolve("serial-1-install.log");
      try (Vm vm = Vm.start(spec, accel, installLog, null)) {
        Duration netbooted = awaitNetboot(vm);
        step(name, "netbooted from [" + lab.topology.anycast() + "] (" + secs(netbooted) + " s after power-on)", t0);
        phase = "install";
        awaitInstallReport(vm);
      }
      awaitActive(uuid, installLog);
      step(name, "Active (install events from Talos's sink); reset", t0);

      phase = "disk boot";
      Duration diskBoot = diskBoot(spec, dir.resolve("serial-2-disk.log"));
      step(name, "booted its disk with the ISO still inserted (" + secs(diskBoot) + " s after reset)", t0);
      return new Row(name, "-", "CD", "Active", (System.nanoTime() - t0) / 1e9, null);
    } catch (PhaseFailure f) {
      return failed(name, phase, f.getMessage(), f.serial, t0);
    } catch (IOException | RuntimeException e) {
      return new Row(name, "-", "CD", "?", (System.nanoTime() - t0) / 1e9, phase + ": " + e.getMessage());
    }
  }

  /**
   * Reprovision of an Active machine through a reset: the wipe netboot (served once), the install
   * netboot with a fresh per-boot config token, install events to Active, then its disk again.
   */
  public Row reprovision(Topology.MachinePlace m) {
    long t0 = System.nanoTime();
    String name = m.node().name();
    Vm.Spec spec = specs.get(name);
    String uuid = spec.smbiosUuid();
    Path dir = lab.dir.resolve("machines").resolve(name);
    String phase = "Reprovision";
    try {
      lab.admin().call("PUT", "/v1/admin/machines/" + uuid + "/state", new io.vertx.core.json.JsonObject()
          .put("state", "Reprovision").put("reason", "lab: reprovision through the BMC reset").encode()).expect(200);
      step(name, "Reprovision; reset", t0);
      phase = "wipe boot";
      try (Vm vm = Vm.start(spec, accel, dir.resolve("serial-3-wipe.log"), null)) {
        Duration netbooted = awaitNetboot(vm);
        if (!vm.console().contains("talos.experimental.wipe=system")) {
          throw new PhaseFailure("no wipe netboot", vm.serialLog);
        }
        vm.awaitPowerOff(Duration.ofSeconds(30));
        step(name, "wipe netboot (" + secs(netbooted) + " s after reset); reset", t0);
      }
      phase = "install boot";
      Path installLog = dir.resolve("serial-4-install.log");
      try (Vm vm = Vm.start(spec, accel, installLog, null)) {
        awaitNetboot(vm);
        awaitInstallReport(vm);
      }
      awaitActive(uuid, installLog);
      step(name, "Active again; reset", t0);
      phase = "disk boot";
      diskBoot(spec, dir.resolve("serial-5-disk.log"));
      step(name, "booted its disk with the ISO still inserted", t0);
      return new Row(name, "-", "CD", "Active", (System.nanoTime() - t0) / 1e9, null);
    } catch (PhaseFailure f) {
      return failed(name, phase, f.getMessage(), f.serial, t0);
    } catch (RuntimeException e) {
      return new Row(name, "-", "CD", "?", (System.nanoTime() - t0) / 1e9, phase + ": " + e.getMessage());
    }
  }

  /** A boot phase that did not reach its marker: what happened and the serial log that shows it. */
  private static final class PhaseFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Path serial;

    PhaseFailure(String what, Path serial) {
      super(what, null, false, false);
      this.serial = serial;
    }
  }

  /** Waits for the netbooted kernel; a disk boot or silence instead is a failure. */
  private static Duration awaitNetboot(Vm vm) throws PhaseFailure {
    Vm.Seen seen = vm.await(NETBOOT_DEADLINE, GuestPayload.KERNEL_UP, LocalDisk.LOCAL_DISK_MARKER);
    if (seen == null || !seen.marker().equals(GuestPayload.KERNEL_UP)) {
      throw new PhaseFailure(seen == null ? "no netboot within " + NETBOOT_DEADLINE.toSeconds() + " s"
          : "booted its disk instead", vm.serialLog);
    }
    return seen.elapsed();
  }

  /** Waits for the installer stand-in to report its install events, then for the guest's power-off. */
  private static void awaitInstallReport(Vm vm) throws PhaseFailure {
    if (!vm.console().contains(GuestPayload.TALOS_REPORTED)) {
      vm.await(Duration.ofSeconds(60), GuestPayload.TALOS_REPORTED, GuestPayload.TALOS_FAILED);
    }
    if (!vm.console().contains(GuestPayload.TALOS_REPORTED)) {
      throw new PhaseFailure("the installer stand-in did not report its install", vm.serialLog);
    }
    vm.awaitPowerOff(Duration.ofSeconds(30));
  }

  /** Powers the machine on again and waits for its local disk's marker (the ISO still inserted). */
  private Duration diskBoot(Vm.Spec spec, Path serial) throws PhaseFailure {
    try (Vm vm = Vm.start(spec, accel, serial, null)) {
      Vm.Seen seen = vm.await(DISK_DEADLINE, LocalDisk.LOCAL_DISK_MARKER, GuestPayload.KERNEL_UP);
      if (seen == null || !seen.marker().equals(LocalDisk.LOCAL_DISK_MARKER)) {
        throw new PhaseFailure(seen == null ? "no disk boot within " + DISK_DEADLINE.toSeconds() + " s"
            : "netbooted again", vm.serialLog);
      }
      return seen.elapsed();
    }
  }

  private void awaitActive(String uuid, Path serial) throws PhaseFailure {
    String state = awaitState(uuid, "Active", Duration.ofSeconds(30));
    if (!state.equals("Active")) {
      throw new PhaseFailure("state " + state + " after the install events", serial);
    }
  }

  /** The serial log of a machine's boot ({@code serial-1-install.log}, …). */
  public Path serialLog(String machine, String file) {
    return lab.dir.resolve("machines").resolve(machine).resolve(file);
  }

  private Row failed(String name, String phase, String what, Path serial, long t0) {
    String line = "phase " + phase + ": " + what + "; serial log " + serial;
    progress.accept(name + ": FAILED " + line);
    return new Row(name, "-", "CD", "?", (System.nanoTime() - t0) / 1e9, line);
  }

  private String awaitState(String uuid, String want, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    String state;
    do {
      state = new io.vertx.core.json.JsonObject(lab.admin().call("GET", "/v1/admin/machines/" + uuid, null)
          .expect(200).body()).getString("state");
      if (state.equals(want)) {
        return state;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return state;
      }
    } while (System.nanoTime() < end);
    return state;
  }

  private void step(String machine, String what, long t0) {
    progress.accept(String.format(Locale.ROOT, "%-8s %6.1f s  %s", machine, (System.nanoTime() - t0) / 1e9, what));
  }

  private static String secs(Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  /** The final table and last line. */
  public static List<String> report(List<Row> rows, double totalSeconds) {
    List<String> out = new java.util.ArrayList<>();
    out.add(String.format(Locale.ROOT, "%-10s %-12s %-14s %-8s %8s", "machine", "BMC profile", "path", "state", "seconds"));
    for (Row r : rows) {
      out.add(String.format(Locale.ROOT, "%-10s %-12s %-14s %-8s %8.1f%s", r.machine(), r.bmcProfile(), r.path(),
          r.state(), r.seconds(), r.problem() == null ? "" : "  " + r.problem()));
    }
    long active = rows.stream().filter(r -> r.state().equals("Active")).count();
    out.add(String.format(Locale.ROOT, "lab: %d of %d machines Active (0 via Redfish, 0 via USB, %d via the ISO"
        + " attached directly) in %.0f s", active, rows.size(), active, totalSeconds));
    return out;
  }
}
