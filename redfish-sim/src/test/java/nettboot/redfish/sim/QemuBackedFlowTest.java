package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.RedfishOptions;
import nettboot.core.testsupport.TestAssets;
import nettboot.redfish.sim.qemu.QemuPrerequisites;
import nettboot.redfish.sim.qemu.QemuVm;
import nettboot.redfish.sim.qemu.VmSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Redfish client flow against BMCs whose systems are QEMU VMs (TCG, no network): the ISO
 * the BMC downloads becomes the VM's CD, the boot override decides QEMU's boot order at each
 * power-on, PowerState follows the process. The CD's iPXE prints a marker and idles; the disk's
 * prints another and powers the VM off. Logs stay under the machine directories (printed on failure).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuBackedFlowTest {
  static final String CD_MARKER = "NETTBOOT-SIM-CD-BOOTED";
  static final String DISK_MARKER = "NETTBOOT-SIM-DISK-BOOTED";
  static final Duration BOOT_DEADLINE = Duration.ofSeconds(180);

  SimHarness h;
  Path tmp;
  Path ipxe;

  @BeforeAll
  void start(@TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir) throws IOException {
    tmp = dir;
    h = new SimHarness(dir);
    ipxe = TestAssets.ipxeEfi("amd64");
    Path iso = BootImages.iso(dir.resolve("cd.iso"), ipxe,
        "#!ipxe\necho " + CD_MARKER + "\n:idle\nsleep 5\ngoto idle\n");
    h.serve("cd", iso);
    h.serve("cd-again", iso);
    h.serve("cd-reboot", BootImages.iso(dir.resolve("cd-reboot.iso"), ipxe,
        "#!ipxe\necho " + CD_MARKER + "\nreboot\n"));
  }

  @AfterAll
  void stop() {
    h.close();
  }

  /** A VM whose local disk already holds a boot program (standing in for an installed OS). */
  QemuVm machine(String name) throws IOException {
    VmSpec spec = VmSpec.of(name, tmp.resolve(name), UUID.randomUUID()).withDisk(8L << 20, VmSpec.DiskFormat.RAW)
        .withGracefulTimeout(Duration.ofSeconds(3));
    List<String> problems = QemuPrerequisites.check(List.of(spec));
    assertThat(problems).as("this host cannot run the QEMU-backed BMC tests").isEmpty();
    Files.createDirectories(spec.dir());
    BootImages.fat(spec.disk(), ipxe, "#!ipxe\necho " + DISK_MARKER + "\npoweroff\n");
    QemuVm vm = new QemuVm(spec);
    vm.prepare();
    return vm;
  }

  static RedfishOptions options() {
    // a power-on answers once QEMU runs: give it time on a loaded 2-core machine
    return SimHarness.fastOptions().withRequestTimeout(Duration.ofSeconds(30));
  }

  @Test
  void genericBmcBootsTheInsertedIsoFromItsCdAndChangesMediaWhileRunning() throws Exception {
    QemuVm vm = machine("generic-0");
    SimulatedBmc bmc = h.start(List.of(new BmcSpec(h.settings("generic"), vm))).bmcs().get(0);
    assertThat(await(bmc.snapshot()).powerState()).as("a VM is off until powered on").isEqualTo("Off");
    assertThat(vm.running()).isFalse();

    String url = h.mediaUrl("cd", false);
    ProvisionReport r = h.run(h.target(bmc), url, Mode.FULL, options());
    assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();
    assertThat(r.interception().permanent()).isTrue();
    long t0 = System.nanoTime();
    awaitConsole(vm, CD_MARKER);
    System.out.printf("generic: provisioned, CD marker %d ms after the flow%n", ms(t0));
    assertCdFirst(vm);
    assertThat(Files.size(vm.spec().media())).as("the BMC downloaded the ISO into the machine directory")
        .isEqualTo(Files.size(tmp.resolve("cd.iso")));
    assertThat(await(bmc.snapshot()).powerState()).isEqualTo("On");

    // provisioning again while it runs: eject and insert reach the running VM over QMP, then ForceRestart
    long pid = vm.pid();
    String again = h.mediaUrl("cd-again", false);
    ProvisionReport r2 = h.run(h.target(bmc), again, Mode.FULL, options());
    assertThat(r2.ok()).as(r2.summary() + "\n" + r2.steps()).isTrue();
    assertThat(r2.steps()).anyMatch(x -> x.step().equals("power-state") && x.note().contains("ForceRestart"));
    assertThat(ProcessHandle.of(pid)).as("the restart ended the old QEMU").isEmpty();
    t0 = System.nanoTime();
    awaitConsole(vm, CD_MARKER);
    System.out.printf("generic: restarted, CD marker %d ms after the flow%n", ms(t0));
    assertCdFirst(vm);
    // the hot path: eject over Redfish empties the running VM's drive, insert fills it again
    JsonObject slot = redfish(bmc, "GET", "/redfish/v1/Managers/BMC/VirtualMedia/Cd", null);
    assertThat(slot.getString("Image")).isEqualTo(again);
    redfish(bmc, "POST", "/redfish/v1/Managers/BMC/VirtualMedia/Cd/Actions/VirtualMedia.EjectMedia", new JsonObject());
    assertThat(cdFile(vm)).as("ejected from the running VM").isNull();
    assertThat(vm.spec().media()).doesNotExist();
    redfish(bmc, "POST", "/redfish/v1/Managers/BMC/VirtualMedia/Cd/Actions/VirtualMedia.InsertMedia",
        new JsonObject().put("Image", again));
    assertThat(cdFile(vm)).as("inserted into the running VM").isEqualTo(vm.spec().media().toString());

    // iPXE ignores the ACPI power button: the graceful deadline (3 s here) passes, then the VM is ended
    long pid2 = vm.pid();
    redfish(bmc, "POST", systemUri(bmc) + "/Actions/ComputerSystem.Reset",
        new JsonObject().put("ResetType", "GracefulShutdown"));
    awaitPowerState(bmc, "Off");
    assertThat(vm.running()).isFalse();
    assertThat(ProcessHandle.of(pid2)).as("no QEMU process after the graceful shutdown").isEmpty();
  }

  @Test
  void aGuestRebootIsANewBootThatTakesTheOverrideAsItIsThen() throws Exception {
    QemuVm vm = machine("xcc-reboot");
    SimulatedBmc bmc = h.start(List.of(new BmcSpec(h.settings("xcc"), vm))).bmcs().get(0);
    ProvisionReport r = h.run(h.target(bmc), h.mediaUrl("cd-reboot", true), Mode.FULL, options());
    assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();
    // the CD's iPXE reboots the guest: Once was used by the first boot, so the second boots the disk,
    // whose program powers off
    long t0 = System.nanoTime();
    awaitPowerState(bmc, "Off");
    System.out.printf("xcc: CD boot, guest reboot, disk boot, power-off in %d ms%n", ms(t0));
    String serial = Files.readString(vm.spec().serialLog(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(serial).contains(CD_MARKER, DISK_MARKER, "power-on 1 ", "power-on 2 ");
    assertThat(serial.indexOf(CD_MARKER)).isLessThan(serial.indexOf("power-on 2 "));
    assertThat(vm.consoleSinceLastStart()).contains(DISK_MARKER).doesNotContain(CD_MARKER);
    assertThat(await(bmc.snapshot()).boots()).extracting(BootRecord::device).containsExactly("Cd", "Hdd");
    assertThat(vm.running()).isFalse();
  }

  @Test
  void onceOnlyXccBmcBootsTheCdOnceThenTheDisk() throws Exception {
    QemuVm vm = machine("xcc-0");
    SimulatedBmc bmc = h.start(List.of(new BmcSpec(h.settings("xcc"), vm))).bmcs().get(0);
    String url = h.mediaUrl("cd", true);
    ProvisionReport r = h.run(h.target(bmc), url, Mode.FULL, options());
    assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();
    assertThat(r.interception().permanent()).isFalse();
    long t0 = System.nanoTime();
    awaitConsole(vm, CD_MARKER);
    System.out.printf("xcc: provisioned, CD marker %d ms after the flow%n", ms(t0));
    assertCdFirst(vm);
    SimSnapshot s = await(bmc.snapshot());
    assertThat(s.powerState()).isEqualTo("On");
    assertThat(s.bootEnabled()).as("Once was used up by that power-on").isEqualTo("Disabled");

    forceOffAndCheck(bmc, vm);

    redfish(bmc, "POST", systemUri(bmc) + "/Actions/ComputerSystem.Reset", new JsonObject().put("ResetType", "On"));
    t0 = System.nanoTime();
    String console = awaitConsole(vm, DISK_MARKER);
    System.out.printf("xcc: powered on, disk marker %d ms later%n", ms(t0));
    assertThat(console).as("the CD did not boot this time").doesNotContain(CD_MARKER);
    assertThat(String.join(" ", vm.commandLine())).contains("virtio-blk-pci,drive=disk0,id=disk,bootindex=0")
        .contains("id=cdrom,bootindex=1");
    // the disk's program powers the VM off: PowerState follows the process
    awaitPowerState(bmc, "Off");
    assertThat(vm.running()).isFalse();
    assertThat(await(bmc.snapshot()).boots()).extracting(BootRecord::device).containsExactly("Cd", "Hdd");
  }

  // ---- helpers ----

  private void assertCdFirst(QemuVm vm) throws IOException {
    assertThat(vm.running()).isTrue();
    assertThat(String.join(" ", vm.commandLine())).contains("ide-cd,bus=ide.0,drive=cd0,id=cdrom,bootindex=0")
        .contains("virtio-blk-pci,drive=disk0,id=disk,bootindex=1");
    assertThat(cdFile(vm)).isEqualTo(vm.spec().media().toString());
  }

  private void forceOffAndCheck(SimulatedBmc bmc, QemuVm vm) throws Exception {
    long pid = vm.pid();
    assertThat(pid).isPositive();
    redfish(bmc, "POST", systemUri(bmc) + "/Actions/ComputerSystem.Reset", new JsonObject().put("ResetType", "ForceOff"));
    assertThat(vm.running()).isFalse();
    assertThat(ProcessHandle.of(pid)).as("no QEMU process after ForceOff").isEmpty();
    assertThat(await(bmc.snapshot()).powerState()).isEqualTo("Off");
  }

  /** The file in the running VM's CD drive (QMP query-block), or null when it is empty. */
  private static String cdFile(QemuVm vm) throws IOException {
    for (JsonNode b : vm.queryBlock()) {
      if (b.path("qdev").asText().equals("cdrom")) {
        return b.has("inserted") ? b.path("inserted").path("file").asText() : null;
      }
    }
    throw new AssertionError("no CD drive in " + vm.queryBlock());
  }

  private static String awaitConsole(QemuVm vm, String marker) throws IOException, InterruptedException {
    long end = System.nanoTime() + BOOT_DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      String c = vm.consoleSinceLastStart();
      if (c.contains(marker)) {
        return c;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError(marker + " not on the serial console within " + BOOT_DEADLINE.toSeconds() + " s; logs in "
        + vm.spec().dir() + "\n" + tail(vm.consoleSinceLastStart()) + "\nQEMU: "
        + (Files.exists(vm.spec().qemuLog()) ? Files.readString(vm.spec().qemuLog()) : ""));
  }

  private static void awaitPowerState(SimulatedBmc bmc, String want) throws InterruptedException {
    long end = System.nanoTime() + BOOT_DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      if (await(bmc.snapshot()).powerState().equals(want)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("PowerState not " + want + ": " + await(bmc.snapshot()));
  }

  private static String tail(String s) {
    return s.length() <= 3000 ? s : s.substring(s.length() - 3000);
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  private String systemUri(SimulatedBmc bmc) {
    return redfish(bmc, "GET", "/redfish/v1/Systems", null).getJsonArray("Members").getJsonObject(0)
        .getString("@odata.id");
  }

  /** One request with basic authentication; fails on a non-2xx answer. */
  private JsonObject redfish(SimulatedBmc bmc, String method, String path, JsonObject body) {
    WebClient c = WebClient.create(h.vertx, new WebClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(h.ca.rootCertPath().toString())).setVerifyHost(false));
    try {
      var req = c.requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), bmc.url() + path)
          .basicAuthentication(SimHarness.USER, h.password).timeout(60_000);
      var resp = await(body == null ? req.send() : req.sendJsonObject(body));
      assertThat(resp.statusCode()).as(method + " " + path + ": " + resp.bodyAsString()).isBetween(200, 299);
      return resp.body() == null || resp.body().length() == 0 ? new JsonObject() : resp.bodyAsJsonObject();
    } finally {
      c.close();
    }
  }
}
