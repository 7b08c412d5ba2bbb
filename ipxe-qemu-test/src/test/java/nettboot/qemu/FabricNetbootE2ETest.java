package nettboot.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nettboot.core.talos.NodesFile;
import nettboot.lab.FabricLab;
import nettboot.lab.MachineFlow;
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
 * The lab's machine flow ({@link MachineFlow}, what {@code lab up} runs) on the routed dual-ToR
 * fabric: real iPXE from the tenant ISO (the VM's CD) on two-NIC QEMU VMs, addresses from a ToR's
 * RA, the anycast /128 reached only by routing. Each case's time goes to
 * target/e2e-fabric/fabric-summary.txt. (The machines are powered on directly; the
 * BMC-driven power-on is not part of these cases yet.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabricNetbootE2ETest {
  static final String ANYCAST = "2001:db8:100::443";

  private Path logs;
  private FabricLab lab;
  private MachineFlow flow;
  private final List<String> summary = new ArrayList<>();
  private final long classStart = System.nanoTime();

  @BeforeAll
  void fabric() throws Exception {
    Prerequisites.check();
    // a sibling of e2e-logs, which NetbootE2ETest empties when it starts
    logs = Path.of(System.getProperty("nettboot.e2eLogs", "target/e2e-logs")).toAbsolutePath().resolveSibling("e2e-fabric");
    Teardown.deleteTree(logs);
    String name = "e" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    Topology t = Topology.of(name, NodesFile.read(Payload.repo().resolve("examples/lab-nodes.yaml")), 2, ANYCAST);
    lab = FabricLab.build(t, logs, System.out::println);
    lab.startServer(ChildJava.command("nettboot.cli.Main"));
    flow = new MachineFlow(lab, Payload.repo(), System.out::println);
    flow.prepare();
  }

  @AfterAll
  void tearDown() throws Exception {
    String s = "case                                        state     seconds (TCG, from enrolment or reset)\n"
        + String.join("\n", summary) + String.format(Locale.ROOT, "%nwhole class incl. set-up: %.1f s%n",
        (System.nanoTime() - classStart) / 1e9);
    System.out.print(s);
    if (lab != null) {
      String prefix = lab.topology.namespacePrefix();
      lab.close();
      Files.writeString(logs.resolve("fabric-summary.txt"), s);
      assertThat(Teardown.namespacesWithPrefix(prefix)).as("namespaces left behind").isEmpty();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void zeroTouchNewMachineInstallsToActiveAndThenBootsItsDiskWithTheIsoInserted() throws Exception {
    Topology.MachinePlace m = lab.topology.machines().get(0);
    MachineFlow.Row row = record("zero touch (ToR-A, NIC 1)", flow.run(m));
    assertThat(row.state()).as(row.problem()).isEqualTo("Active");
    String install = Files.readString(flow.serialLog("m1", "serial-1-install.log"));
    // iPXE configures net0 (ToR-A); the installer stand-in uses whichever NIC has its address first.
    assertThat(install).contains("Configuring [ipv6] (net0").contains("https://[" + ANYCAST + "]/v1/boot/")
        .containsAnyOf(Payload.ADDRESS_MARKER + m.nics().get(0).slaacAddress() + "/64",
            Payload.ADDRESS_MARKER + m.nics().get(1).slaacAddress() + "/64").contains(Payload.TALOS_REPORTED);
    assertThat(Files.readString(flow.serialLog("m1", "serial-2-disk.log"))).contains(Images.LOCAL_DISK_MARKER);
  }

  @Test
  @Order(2)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void withTorADownTheSecondNicNetbootsAndTheMachineBecomesActive() throws Exception {
    Topology.MachinePlace m = lab.topology.machines().get(1);
    lab.torPort(m.nics().get(0), false);
    try {
      MachineFlow.Row row = record("dual ToR (ToR-A down, NIC 2)", flow.run(m));
      assertThat(row.state()).as(row.problem()).isEqualTo("Active");
      String install = Files.readString(flow.serialLog("m2", "serial-1-install.log"));
      assertThat(install).contains("Configuring [ipv6] (net1")
          .contains(Payload.ADDRESS_MARKER + m.nics().get(1).slaacAddress() + "/64");
    } finally {
      lab.torPort(m.nics().get(0), true);
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void reprovisionThroughAResetWipesOnceInstallsAndIsActiveAgain() throws Exception {
    Topology.MachinePlace m = lab.topology.machines().get(0);
    MachineFlow.Row row = record("Reprovision (wipe, install, disk)", flow.reprovision(m));
    assertThat(row.state()).as(row.problem()).isEqualTo("Active");
    String uuid = m.node().uuid().orElseThrow().value();
    var history = new JsonObject(lab.admin().call("GET", "/v1/admin/machines/" + uuid + "/history", null)
        .expect(200).body()).getJsonArray("history");
    assertThat(history.getJsonObject(history.size() - 1).getString("to")).isEqualTo("Active");
    assertThat(history.getJsonObject(history.size() - 1).getString("actor")).startsWith("talos-events:");
  }

  private MachineFlow.Row record(String name, MachineFlow.Row row) {
    summary.add(String.format(Locale.ROOT, "%-43s %-9s %.1f%s", name, row.state(), row.seconds(),
        row.problem() == null ? "" : "  " + row.problem()));
    return row;
  }
}
