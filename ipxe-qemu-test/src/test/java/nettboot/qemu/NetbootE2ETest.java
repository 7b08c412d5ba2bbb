package nettboot.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import nettboot.core.io.SecureFiles;
import nettboot.core.media.Arch;
import nettboot.core.media.BuiltMedia;
import nettboot.core.media.MediaSpec;
import nettboot.core.media.TenantMedia;
import nettboot.core.pki.EmbeddedCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Real iPXE 2.0 from a tenant medium, under OVMF in QEMU, on an RA-only IPv6 segment, against the
 * real metadata server: every way a boot can go. Serial (one QEMU at a time), each case with its
 * own deadline; the measured times go to target/e2e-logs/summary.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetbootE2ETest {
  static final String TENANT = "acme";
  static final String OTHER_TENANT = "globex";
  static final String PROFILE_ARG = "nettboot.e2e=profile-acme";
  static final String CMDLINE = "console=ttyS0 panic=-1 " + PROFILE_ARG;
  /** From QEMU start to the kernel's marker (measured ~16-20 s under TCG). */
  static final Duration NETBOOT_DEADLINE = Duration.ofSeconds(240);
  /** From QEMU start to the local disk's marker (measured ~10-20 s under TCG). */
  static final Duration LOCALBOOT_DEADLINE = Duration.ofSeconds(180);

  private Path logs;
  private Path work;
  private Ipv6Lab lab;
  private Path localDisk;
  private BuiltMedia media;
  private BuiltMedia downMedia;
  private BuiltMedia hungMedia;
  private BuiltMedia foreignCaMedia;
  private final List<String[]> summary = new ArrayList<>();
  static final String ASKING = "nett-boot: asking ";
  /** What the medium prints before {@code exit 1}. */
  static final String HANDOVER = "nett-boot: booting the local disk";
  /** Of the last local boot: from the boot request to the medium handing over. */
  private Duration lastFallThrough;
  private final long classStart = System.nanoTime();

  @BeforeAll
  void lab() throws Exception {
    logs = Path.of(System.getProperty("nettboot.e2eLogs", "target/e2e-logs")).toAbsolutePath();
    SecureFiles.deleteTree(logs);
    Files.createDirectories(logs);
    work = Files.createDirectories(logs.getParent().resolve("e2e-work"));
    SecureFiles.deleteTree(work);
    Files.createDirectories(work);

    Prerequisites.check();
    Path ipxe = Payload.ipxeEfi();
    Path kernel = Payload.kernel();
    localDisk = Images.localDisk(work.resolve("local-disk.img"), ipxe);

    lab = Ipv6Lab.start(work.resolve("lab"), logs.resolve("lab"), List.of(TENANT, OTHER_TENANT));
    Path initrd = Payload.initramfs(work.resolve("initrd.img"), lab.ca.rootCertPath(),
        Payload.talosEventsClient(work.resolve("go")));
    lab.upload("vmlinuz", kernel).expect(200);
    lab.upload("initrd.img", initrd).expect(200);
    for (String t : List.of(TENANT, OTHER_TENANT)) {
      lab.admin("PUT", "/v1/admin/profiles/p-" + t, new JsonObject().put("tenant", t)
          .put("kernel", "vmlinuz").put("initrd", "initrd.img").put("cmdline", CMDLINE).encode()).expect(200);
    }

    media = TenantMedia.build(lab.ca, new MediaSpec(TENANT, Ipv6Lab.SERVER, Arch.X86_64, ipxe), work.resolve("media"));
    downMedia = TenantMedia.build(lab.ca, new MediaSpec(TENANT, Ipv6Lab.DOWN, Arch.X86_64, ipxe), work.resolve("media-down"));
    hungMedia = TenantMedia.build(lab.ca, new MediaSpec(TENANT, Ipv6Lab.HUNG, Arch.X86_64, ipxe), work.resolve("media-hung"));
    // A medium pinning another platform CA: the real server's certificate is foreign to it.
    EmbeddedCa foreign = EmbeddedCa.init(work.resolve("foreign-pki"), Ipv6Lab.DOMAIN,
        List.of(Ipv6Lab.SERVER), Clock.systemUTC());
    foreign.issueTenant(TENANT);
    foreignCaMedia = TenantMedia.build(foreign, new MediaSpec(TENANT, Ipv6Lab.SERVER, Arch.X86_64, ipxe),
        work.resolve("media-foreign"));
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      String format = "%-22s %-6s %-10s %-10s %8s %10s %8s%n";
      StringBuilder s = new StringBuilder("Seconds since QEMU start: 'asked' = the medium sends its boot request;\n"
          + "'fall-thru' = from that request to the medium handing over to the next boot entry;\n"
          + "'marker' = the kernel's or the local disk's marker on the serial console.\n")
          .append(String.format(Locale.ROOT, format, "case", "medium", "expected", "outcome", "asked", "fall-thru", "marker"));
      for (String[] r : summary) {
        s.append(String.format(Locale.ROOT, format, (Object[]) r));
      }
      s.append(String.format(Locale.ROOT, "accelerator: %s; whole class incl. set-up: %.1f s%n",
          lab == null ? "?" : lab.accel, (System.nanoTime() - classStart) / 1e9));
      System.out.print(s);
      if (logs != null) {
        Files.writeString(logs.resolve("summary.txt"), s.toString());
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  // ---------------------------------------------------------------- the cases

  @Test
  @Order(1)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void newMachineNetbootsFromUsbMedium() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000001";
    enroll(TENANT, uuid, null);
    String console = netboot("new-machine-usb", QemuMachine.Attach.USB, media.usbImage(), uuid, "52:54:00:6e:00:01");
    assertKernelSaw(console, uuid);
    assertThat(state(uuid)).isEqualTo("Provisioning");
  }

  @Test
  @Order(2)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void activeMachineBootsLocalDisk() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000002";
    enroll(TENANT, uuid, null, "Provisioning", "Active");
    String console = localboot("active-machine", media.usbImage(), uuid, "52:54:00:6e:00:02");
    assertChainFailed(console, Ipv6Lab.SERVER, uuid, "Not found");
    assertAnswered("/v1/boot/" + uuid, 404);
    assertThat(state(uuid)).isEqualTo("Active");
  }

  @Test
  @Order(3)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void unknownMachineBootsLocalDisk() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000003";
    String console = localboot("unknown-machine", media.usbImage(), uuid, "52:54:00:6e:00:03");
    assertChainFailed(console, Ipv6Lab.SERVER, uuid, "Not found");
    assertAnswered("/v1/boot/" + uuid, 404);
  }

  @Test
  @Order(4)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void anotherTenantsMachineBootsLocalDisk() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000004";
    enroll(OTHER_TENANT, uuid, null);
    String console = localboot("other-tenant-machine", media.usbImage(), uuid, "52:54:00:6e:00:04");
    assertChainFailed(console, Ipv6Lab.SERVER, uuid, "Not found");
    assertAnswered("/v1/boot/" + uuid, 404);
    assertThat(state(uuid)).as("another tenant's medium must not start the install").isEqualTo("New");
  }

  @Test
  @Order(5)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void metadataServerDownBootsLocalDisk() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000005";
    enroll(TENANT, uuid, null);
    String console = localboot("server-down", downMedia.usbImage(), uuid, "52:54:00:6e:00:05");
    assertChainFailed(console, Ipv6Lab.DOWN, uuid, "Connection reset");
    assertThat(state(uuid)).isEqualTo("New");
  }

  @Test
  @Order(6)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void serverThatNeverAnswersBootsLocalDiskAfterTheTimeout() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000006";
    enroll(TENANT, uuid, null);
    int before = (int) lab.silent.lines.stream().filter(l -> l.startsWith("accepted")).count();
    String console = localboot("server-hung", hungMedia.usbImage(), uuid, "52:54:00:6e:00:06");
    assertChainFailed(console, Ipv6Lab.HUNG, uuid, "Connection timed out");
    // chain --timeout 5000: the medium waits out the inactivity timeout, and no more than that
    // (without it iPXE would hold the machine for 120 s)
    assertThat(lastFallThrough).isBetween(Duration.ofMillis(4500), Duration.ofSeconds(60));
    assertThat(lab.silent.lines.stream().filter(l -> l.startsWith("accepted")).count())
        .as("iPXE connected to the silent listener").isGreaterThan(before);
    assertThat(state(uuid)).isEqualTo("New");
  }

  @Test
  @Order(7)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void serverCertificateFromAnotherCaIsRefused() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000007";
    enroll(TENANT, uuid, null);
    String console = localboot("foreign-ca", foreignCaMedia.usbImage(), uuid, "52:54:00:6e:00:07");
    assertChainFailed(console, Ipv6Lab.SERVER, uuid, "Permission denied");
    assertThat(lab.bootRequests("/v1/boot/" + uuid)).as("no request may pass an untrusted handshake").isEmpty();
    assertThat(state(uuid)).isEqualTo("New");
  }

  @Test
  @Order(8)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void isoOnCdDriveNetboots() throws Exception {
    String uuid = "6e657474-0000-4000-8000-000000000008";
    enroll(TENANT, uuid, null);
    String console = netboot("new-machine-iso-cd", QemuMachine.Attach.CD, media.iso(), uuid, "52:54:00:6e:00:08");
    assertKernelSaw(console, uuid);
    assertThat(state(uuid)).isEqualTo("Provisioning");
  }

  @Test
  @Order(9)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void machineWithoutSmbiosUuidIsIdentifiedByMac() throws Exception {
    String mac = "52:54:00:6e:00:09";
    enroll(TENANT, null, mac);
    String console = netboot("no-smbios-uuid-mac", QemuMachine.Attach.USB, media.usbImage(), null, mac);
    assertThat(cmdline(console)).contains("talos.halt_if_installed=1").contains(PROFILE_ARG);
    assertAnswered("/v1/boot/" + mac.replace(':', '-'), 200);
    assertThat(state(mac)).isEqualTo("Provisioning");
  }

  @Test
  @Order(10)
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void talosReportsItsInstallThroughTheEventsSinkAndTheNextBootIsTheDisk() throws Exception {
    String uuid = "6e657474-0000-4000-8000-00000000000a";
    enroll(TENANT, uuid, null);
    lab.putConfig(uuid, "version: v1alpha1\nmachine:\n  type: worker\n---\n"
        + nettboot.core.talos.EarlyConfig.trustedRootsDocument(Files.readString(lab.ca.rootCertPath())));
    String console = netboot("talos-install-events", QemuMachine.Attach.USB, media.usbImage(), uuid, "52:54:00:6e:00:0a");
    assertKernelSaw(console, uuid);
    assertThat(cmdline(console)).contains("talos.config=https://[" + Ipv6Lab.SERVER + "]:8443/v1/config/" + uuid + "?token=")
        .contains("talos.events.sink=[" + Ipv6Lab.SERVER + "]:4002");
    assertThat(console).as("the guest fetched its config and sent Talos's events")
        .contains(Payload.TALOS_REPORTED).doesNotContain(Payload.TALOS_FAILED);
    // The address the guest got by SLAAC from the RA is the one the events were attributed to.
    String address = line(console, Payload.ADDRESS_MARKER).replaceFirst("/64$", "");
    // fd00:0:0:1::/64 from the RA + the EUI-64 interface id of MAC 52:54:00:6e:00:0a
    assertThat(address).isEqualTo("fd00::1:5054:ff:fe6e:a");
    assertThat(state(uuid)).isEqualTo("Active");
    JsonArray history = lab.admin("GET", "/v1/admin/machines/" + uuid + "/history", null).expect(200)
        .json().getJsonArray("history");
    JsonObject last = history.getJsonObject(history.size() - 1);
    assertThat(last.getString("to")).isEqualTo("Active");
    assertThat(last.getString("actor")).isEqualTo("talos-events:" + address);
    assertThat(last.getString("reason")).contains("install evidence from Talos");
    // Installed: the next power-on asks again and is sent to its disk.
    localboot("talos-installed-next-boot", media.usbImage(), uuid, "52:54:00:6e:00:0a");
    List<JsonObject> asked = lab.bootRequests("/v1/boot/" + uuid);
    assertThat(asked).extracting(r -> r.getInteger("status")).containsExactly(200, 404);
  }

  @Test
  @Order(11)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void machineWhoseMediumWasRevokedBootsLocalDiskAndTheServerSaysWhy() throws Exception {
    // A machine that would netboot (state New, its tenant's profile) with its tenant's medium,
    // whose certificate is revoked first (last case: the tenant's medium is of no use after it).
    String uuid = "6e657474-0000-4000-8000-00000000000b";
    enroll(OTHER_TENANT, uuid, null);
    java.security.cert.X509Certificate cert = nettboot.core.pki.Pem.readCertificates(
        lab.ca.tenantCertPath(OTHER_TENANT)).get(0);
    String serial = nettboot.core.pki.Revocation.serialOf(cert);
    lab.admin("POST", "/v1/admin/revocations", new JsonObject().put("serial", serial)
        .put("reason", "key-compromise").encode()).expect(201);
    BuiltMedia revoked = TenantMedia.build(lab.ca, new MediaSpec(OTHER_TENANT, Ipv6Lab.SERVER, Arch.X86_64,
        Payload.ipxeEfi()), work.resolve("media-revoked"));
    String console = localboot("revoked-medium", revoked.usbImage(), uuid, "52:54:00:6e:00:0b");
    // the request went out and the handshake failed: iPXE reports the certificate_revoked alert
    // as "Operation not permitted" (ipxe.org/410de18f) and hands over to the disk
    assertChainFailed(console, Ipv6Lab.SERVER, uuid, "Operation not permitted");
    assertThat(lab.bootRequests("/v1/boot/" + uuid)).as("no request passes a revoked handshake").isEmpty();
    assertThat(state(uuid)).as("a revoked medium must not start the install").isEqualTo("New");
    // the server logged why, with the serial and the tenant
    assertThat(lab.server.lines).anySatisfy(l -> assertThat(l).contains("\"client_certificate_revoked\"")
        .contains("\"serial\":\"" + serial + "\"").contains("\"tenant\":\"" + OTHER_TENANT + "\"")
        .contains("\"listener\":\"boot\"").contains("\"stage\":\"handshake\""));
  }

  // ---------------------------------------------------------------- helpers

  private String netboot(String name, QemuMachine.Attach attach, Path medium, String uuid, String mac) throws Exception {
    return run(name, attach, medium, uuid, mac, Payload.KERNEL_UP, NETBOOT_DEADLINE);
  }

  private String localboot(String name, Path medium, String uuid, String mac) throws Exception {
    return run(name, QemuMachine.Attach.USB, medium, uuid, mac, Images.LOCAL_DISK_MARKER, LOCALBOOT_DEADLINE);
  }

  /** Boots, waits for the first marker, records the time; keeps all logs when it fails. */
  private String run(String name, QemuMachine.Attach attach, Path medium, String uuid, String mac,
      String expected, Duration deadline) throws Exception {
    Path dir = logs.resolve(name);
    String expectedName = expected.equals(Payload.KERNEL_UP) ? "netboot" : "local-disk";
    QemuMachine.Spec spec = new QemuMachine.Spec(medium, attach, localDisk, uuid, mac);
    try (QemuMachine m = QemuMachine.boot(lab, spec, dir)) {
      QemuMachine.Seen seen;
      QemuMachine.Seen asked = null;
      QemuMachine.Seen handover = null;
      try {
        // The medium announces its request; for a local boot it then says it hands over.
        asked = m.await(deadline, ASKING, Payload.KERNEL_UP, Images.LOCAL_DISK_MARKER);
        if (expected.equals(Images.LOCAL_DISK_MARKER)) {
          handover = m.await(deadline, HANDOVER, Payload.KERNEL_UP);
        }
        seen = m.await(deadline, Payload.KERNEL_UP, Images.LOCAL_DISK_MARKER);
      } catch (AssertionError e) {
        summary.add(row(name, attach, expectedName, "timeout", asked, handover, null));
        lab.keepLogs(dir);
        throw e;
      }
      String outcome = seen.marker().equals(Payload.KERNEL_UP) ? "netboot" : "local-disk";
      lastFallThrough = handover == null ? null : handover.elapsed().minus(asked.elapsed());
      summary.add(row(name, attach, expectedName, outcome, asked, handover, seen.elapsed()));
      if (!seen.marker().equals(expected)) {
        lab.keepLogs(dir);
        throw new AssertionError(name + ": expected " + expectedName + " but saw " + outcome
            + " after " + seen.elapsed().toMillis() / 1000.0 + " s; " + m.describe());
      }
      if (expected.equals(Payload.KERNEL_UP)) {
        // the kernel prints its command line and UUID before the marker; let the lines settle
        m.await(Duration.ofSeconds(5), Payload.UUID_MARKER);
      }
      return m.console();
    }
  }

  private static String[] row(String name, QemuMachine.Attach attach, String expected, String outcome,
      QemuMachine.Seen asked, QemuMachine.Seen handover, Duration total) {
    String answer = asked == null || handover == null || !asked.marker().equals(ASKING) ? "-"
        : seconds(handover.elapsed().minus(asked.elapsed()));
    return new String[] {name, attach.name(), expected, outcome,
        asked == null || !asked.marker().equals(ASKING) ? "-" : seconds(asked.elapsed()), answer,
        total == null ? "-" : seconds(total)};
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  private void enroll(String tenant, String uuid, String mac, String... states) {
    JsonObject body = new JsonObject().put("tenant", tenant).put("role", "worker").put("profile", "p-" + tenant);
    if (uuid != null) {
      body.put("uuid", uuid);
    }
    if (mac != null) {
      body.put("macs", new JsonArray().add(mac));
    }
    lab.admin("POST", "/v1/admin/machines", body.encode()).expect(201);
    String id = uuid != null ? uuid : mac;
    for (String s : states) {
      lab.admin("PUT", "/v1/admin/machines/" + id + "/state",
          new JsonObject().put("state", s).put("reason", "e2e set-up").encode()).expect(200);
    }
  }

  private String state(String id) {
    return lab.admin("GET", "/v1/admin/machines/" + id, null).expect(200).json().getString("state");
  }

  /**
   * The local boot happened for the reason under test: the NIC got its SLAAC address, the request
   * went out, and iPXE reported the expected error (not, say, a network that never came up).
   */
  private static void assertChainFailed(String console, String server, String id, String error) {
    assertThat(console).containsPattern("Configuring \\[ipv6\\] \\(net0 [0-9a-f:]+\\)\\.\\.\\. ok");
    assertThat(console).containsPattern(java.util.regex.Pattern.quote("https://[" + server + "]/v1/boot/" + id)
        + "\\.+ " + java.util.regex.Pattern.quote(error));
    assertThat(console.indexOf(HANDOVER)).isLessThan(console.indexOf(Images.LOCAL_DISK_MARKER));
  }

  private void assertAnswered(String path, int status) {
    List<JsonObject> seen = lab.bootRequests(path);
    assertThat(seen).as("boot requests for " + path + " in the server log").isNotEmpty();
    assertThat(seen).allSatisfy(r -> {
      assertThat(r.getInteger("status")).isEqualTo(status);
      assertThat(r.getString("tenant")).isEqualTo(TENANT);
    });
  }

  private static void assertKernelSaw(String console, String uuid) {
    assertThat(cmdline(console)).contains("talos.halt_if_installed=1").contains(PROFILE_ARG)
        .contains("console=ttyS0");
    assertThat(line(console, Payload.UUID_MARKER)).isEqualToIgnoringCase(uuid);
  }

  static String cmdline(String console) {
    return line(console, Payload.CMDLINE_MARKER);
  }

  private static String line(String console, String prefix) {
    for (String l : console.split("\n")) {
      int i = l.indexOf(prefix);
      if (i >= 0) {
        return l.substring(i + prefix.length()).trim();
      }
    }
    throw new AssertionError("no line with '" + prefix + "' on the console");
  }
}
