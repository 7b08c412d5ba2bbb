package nettboot.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nettboot.core.media.Arch;
import nettboot.core.media.BuiltMedia;
import nettboot.core.media.MediaSpec;
import nettboot.core.media.TenantMedia;
import nettboot.core.talos.NodesFile;
import nettboot.lab.FabricLab;
import nettboot.lab.Teardown;
import nettboot.lab.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Real iPXE from the tenant ISO (as the VM's CD) on the routed dual-ToR fabric: two NICs, one per
 * ToR; iPXE takes its address from a ToR's RA and reaches the anycast /128 only by routing. The
 * machines are started directly with QEMU (the BMC-driven start is not part of these cases yet).
 * Each case's time goes to target/e2e-logs/fabric-summary.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabricNetbootE2ETest {
  static final String ANYCAST = "2001:db8:100::443";
  static final String CMDLINE = "console=ttyS0 panic=-1 nettboot.e2e=fabric";
  static final Duration DEADLINE = Duration.ofSeconds(300);

  private Path logs;
  private Path work;
  private FabricLab lab;
  private BuiltMedia media;
  private Path localDisk;
  private final List<String> summary = new ArrayList<>();

  @BeforeAll
  void fabric() throws Exception {
    Prerequisites.check();
    logs = Path.of(System.getProperty("nettboot.e2eLogs", "target/e2e-logs")).toAbsolutePath().resolve("fabric");
    work = logs.resolveSibling("fabric-work");
    for (Path p : List.of(logs, work)) {
      deleteTree(p);
      Files.createDirectories(p);
    }
    String name = "e" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    Topology t = Topology.of(name, NodesFile.read(Payload.repo().resolve("examples/lab-nodes.yaml")), 2, ANYCAST);
    Path ipxe = Payload.ipxeEfi();
    localDisk = Images.localDisk(work.resolve("local-disk.img"), ipxe);
    lab = FabricLab.build(t, work.resolve("lab"), System.out::println);
    lab.startServer(Sh.javaCommand("nettboot.cli.Main"));
    Path initrd = Payload.initramfs(work.resolve("initrd.img"), lab.pki().rootCertPath(),
        Payload.talosEventsClient(work.resolve("go")));
    lab.admin().upload("PUT", "/v1/admin/artifacts/vmlinuz", Payload.kernel(), "application/octet-stream").expect(200);
    lab.admin().upload("PUT", "/v1/admin/artifacts/initrd.img", initrd, "application/octet-stream").expect(200);
    lab.admin().call("PUT", "/v1/admin/profiles/p-acme", new JsonObject().put("tenant", "acme")
        .put("kernel", "vmlinuz").put("initrd", "initrd.img").put("cmdline", CMDLINE).encode()).expect(200);
    media = TenantMedia.build(lab.pki(), new MediaSpec("acme", ANYCAST, Arch.X86_64, ipxe), work.resolve("media"));
  }

  @AfterAll
  void tearDown() throws Exception {
    try {
      String s = "case                                   outcome      seconds (QEMU start to marker, TCG)\n"
          + String.join("\n", summary) + "\n";
      System.out.print(s);
      Files.writeString(logs.resolve("fabric-summary.txt"), s);
    } finally {
      if (lab != null) {
        String prefix = lab.topology.namespacePrefix();
        lab.close();
        assertThat(Teardown.namespacesWithPrefix(prefix)).as("namespaces left behind").isEmpty();
      }
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void newMachineNetbootsThroughTheFabricInstallsAndThenBootsItsDiskWithTheIsoStillInserted() throws Exception {
    Topology.MachinePlace m = lab.topology.machines().get(0);
    String uuid = enrol(m);
    Path cfg = work.resolve("m1.yaml");
    Files.writeString(cfg, "version: v1alpha1\nmachine:\n  type: controlplane\n---\n"
        + nettboot.core.talos.EarlyConfig.trustedRootsDocument(Files.readString(lab.pki().rootCertPath())));
    lab.admin().upload("PUT", "/v1/admin/machines/" + uuid + "/config", cfg, "application/yaml").expect(200);
    String console = boot("install-via-tor-a", m, Payload.KERNEL_UP);
    assertThat(console).contains("Configuring [ipv6] (net0").contains(Payload.TALOS_REPORTED);
    assertThat(console).contains(Payload.ADDRESS_MARKER + m.nics().get(0).slaacAddress() + "/64");
    assertThat(state(uuid)).isEqualTo("Active");
    boot("active-boots-disk", m, Images.LOCAL_DISK_MARKER);
    assertThat(state(uuid)).isEqualTo("Active");
  }

  @Test
  @Order(2)
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void withTorADownTheSecondNicNetboots() throws Exception {
    Topology.MachinePlace m = lab.topology.machines().get(1);
    String uuid = enrol(m);
    lab.torPort(m.nics().get(0), false);
    try {
      String console = boot("tor-a-down-via-tor-b", m, Payload.KERNEL_UP);
      assertThat(console).contains("Configuring [ipv6] (net1");
      assertThat(console).contains("https://[" + ANYCAST + "]/v1/boot/" + uuid);
      assertThat(state(uuid)).isEqualTo("Provisioning");
    } finally {
      lab.torPort(m.nics().get(0), true);
    }
  }

  private String enrol(Topology.MachinePlace m) {
    String uuid = m.node().uuid().orElseThrow().value();
    lab.admin().call("POST", "/v1/admin/machines", new JsonObject().put("tenant", "acme").put("uuid", uuid)
        .put("macs", new JsonArray()).put("role", "worker").put("profile", "p-acme").encode()).expect(201);
    return uuid;
  }

  private String boot(String name, Topology.MachinePlace m, String marker) throws Exception {
    List<String[]> nics = m.nics().stream().map(n -> new String[] {n.tap(), n.mac().value()}).toList();
    QemuMachine.Spec spec = new QemuMachine.Spec(media.iso(), QemuMachine.Attach.CD, localDisk,
        m.node().uuid().orElseThrow().value(), m.nics().get(0).mac().value());
    try (QemuMachine vm = QemuMachine.boot(m.ns(), QemuMachine.probeAccel(), spec, nics, logs.resolve(name))) {
      QemuMachine.Seen seen = vm.await(DEADLINE, Payload.KERNEL_UP, Images.LOCAL_DISK_MARKER);
      summary.add(String.format(Locale.ROOT, "%-38s %-12s %.1f", name, seen.marker(), seen.elapsed().toMillis() / 1000.0));
      assertThat(seen.marker()).as(vm.describe()).isEqualTo(marker);
      if (marker.equals(Payload.KERNEL_UP)) {
        vm.await(Duration.ofSeconds(10), Payload.UUID_MARKER);
      }
      return vm.console();
    }
  }

  private String state(String id) {
    return new JsonObject(lab.admin().call("GET", "/v1/admin/machines/" + id, null).expect(200).body()).getString("state");
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
