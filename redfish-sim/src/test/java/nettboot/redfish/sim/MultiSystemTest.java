package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.FleetJob;
import nettboot.core.redfish.FleetProvisioner;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.NodeIdentity;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ProvisioningFlow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A BMC with several systems (the multi profile), the system selector and the node identity check. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiSystemTest {
  SimHarness h;

  @BeforeAll
  void start(@TempDir Path tmp) {
    h = new SimHarness(tmp);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private BmcTarget on(SimulatedBmc bmc, String name, String system) {
    BmcTarget t = h.target(bmc);
    return new BmcTarget(name, t.url(), t.credentials(), t.trust(), system);
  }

  @Test
  void twoNodesOnOneBmcEachProvisionTheirOwnSystemOneAfterTheOther() throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings("multi"));
    String uuid1 = await(bmc.snapshot(0)).uuid();
    String uuid2 = await(bmc.snapshot(1)).uuid();
    String url1 = h.mediaUrl("node-a", true);
    String url2 = h.mediaUrl("node-b", true);
    List<FleetJob> jobs = List.of(
        new FleetJob(on(bmc, "node-a", "Node1"), url1, new NodeIdentity(uuid1, List.of(), true)),
        new FleetJob(on(bmc, "node-b", "/redfish/v1/Systems/Node2"), url2, new NodeIdentity(uuid2, List.of(), true)));
    List<ProvisionReport> reports = await(new FleetProvisioner(new ProvisioningFlow(h.vertx, SimHarness.fastOptions()))
        .provision(jobs, 8, Mode.FULL, r -> { }));
    for (ProvisionReport r : reports) {
      assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();
      assertThat(r.steps()).anyMatch(s -> s.step().equals("identity") && s.note().contains("node uuid matches"));
    }
    assertThat(reports.get(0).identity().systems()).containsExactly("/redfish/v1/Systems/Node1",
        "/redfish/v1/Systems/Node2");
    assertThat(reports.get(0).identity().system()).isEqualTo("/redfish/v1/Systems/Node1");
    assertThat(reports.get(1).identity().system()).isEqualTo("/redfish/v1/Systems/Node2");
    // serialised per BMC: the second node's flow starts after the first one's ended
    assertThat(reports.get(0).elapsed()).isPositive();
    SimSnapshot a = await(bmc.snapshot(0));
    SimSnapshot b = await(bmc.snapshot(1));
    assertThat(a.cdImage()).isEqualTo(url1);
    assertThat(b.cdImage()).isEqualTo(url2);
    assertThat(a.bootTarget()).isEqualTo("Cd");
    assertThat(b.bootTarget()).isEqualTo("Cd");
    assertThat(a.openSessions()).isZero();
  }

  @Test
  void severalSystemsAndNoSelectorRefusesTheNodeListingThem() throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings("multi"));
    ProvisionReport r = h.run(h.target(bmc), h.mediaUrl("x", true), Mode.FULL, SimHarness.fastOptions());
    assertThat(r.ok()).isFalse();
    assertThat(r.failedStep()).isEqualTo("systems");
    assertThat(r.failure()).contains("2 systems behind this BMC and no bmc.system chosen")
        .contains("/redfish/v1/Systems/Node1, /redfish/v1/Systems/Node2");
    assertThat(await(bmc.snapshot(0)).cdImage()).isNull();
    assertThat(await(bmc.snapshot(1)).cdImage()).isNull();

    ProvisionReport unknown = h.run(on(bmc, "n", "Node9"), h.mediaUrl("x", true), Mode.FULL, SimHarness.fastOptions());
    assertThat(unknown.failure()).contains("no system Node9 behind this BMC");

    ProvisionReport check = h.run(h.target(bmc), null, Mode.DISCOVER, SimHarness.fastOptions());
    assertThat(check.ok()).as(check.summary()).isTrue();
    assertThat(check.quirks()).anyMatch(q -> q.contains("2 systems behind this BMC and none chosen"));
  }

  @Test
  void aNodeWhoseUuidIsNotTheSystemsIsNotTouched() throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    String real = await(bmc.snapshot()).uuid();
    String other = "6e657474-0000-4000-8000-00000000abcd";
    ProvisionReport r = runAs(bmc, other, true);
    assertThat(r.ok()).isFalse();
    assertThat(r.failedStep()).isEqualTo("identity");
    assertThat(r.summary()).contains(bmc.url()).contains("step identity").contains(other).contains(real);
    SimSnapshot s = await(bmc.snapshot());
    assertThat(s.cdImage()).as("nothing mounted").isNull();
    assertThat(s.bootEnabled()).isEqualTo("Disabled");
    assertThat(s.boots()).isEmpty();

    ProvisionReport forced = runAs(bmc, other, false);
    assertThat(forced.ok()).as(forced.summary()).isTrue();
    assertThat(forced.quirks()).anyMatch(q -> q.contains("identity check turned off"));
  }

  @Test
  void theNodesMacsMustBeAmongTheOnesTheBmcLists() throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    SimSnapshot before = await(bmc.snapshot());
    NodeIdentity wrong = new NodeIdentity(null, List.of("02:00:00:00:00:01", "02:00:00:00:00:02"), true);
    ProvisionReport r = await(new ProvisioningFlow(h.vertx, SimHarness.fastOptions())
        .run(h.target(bmc), wrong, h.mediaUrl("m", true), Mode.FULL));
    assertThat(r.failedStep()).isEqualTo("identity");
    assertThat(r.failure()).contains("none of the node's MACs [02:00:00:00:00:01, 02:00:00:00:00:02]")
        .contains(before.mac());
    assertThat(await(bmc.snapshot()).cdImage()).isNull();

    NodeIdentity right = new NodeIdentity(before.uuid(), List.of("02:00:00:00:00:01", before.mac()), true);
    ProvisionReport ok = await(new ProvisioningFlow(h.vertx, SimHarness.fastOptions())
        .run(h.target(bmc), right, h.mediaUrl("m", true), Mode.DRY_RUN));
    assertThat(ok.ok()).as(ok.summary()).isTrue();
    assertThat(ok.summary()).contains("dry run");
    assertThat(ok.steps()).anyMatch(s -> s.step().equals("identity")
        && s.note().equals("node uuid matches; a node MAC matches"));
  }

  @Test
  void progressIsReportedWhileANodeWaits() {
    SimulatedBmc bmc = h.startOne(h.settings("generic", Fault.parse("5xx:3")));
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProvisionReport r = await(new ProvisioningFlow(h.vertx, SimHarness.fastOptions(), lines::add)
        .run(h.target(bmc), h.mediaUrl("p", true), Mode.FULL));
    assertThat(r.ok()).as(r.summary()).isTrue();
    assertThat(lines).anyMatch(l -> l.startsWith(r.node() + ": ") && l.contains("HTTP 503") && l.contains("retrying"));
  }

  private ProvisionReport runAs(SimulatedBmc bmc, String uuid, boolean check) {
    NodeIdentity id = new NodeIdentity(uuid, List.of(), true);
    return await(new ProvisioningFlow(h.vertx, SimHarness.fastOptions())
        .run(h.target(bmc), check ? id : id.unchecked(), h.mediaUrl("n", true), Mode.FULL));
  }

  @Test
  void theBmcsOwnErrorMessageComesFirstThenItsMessageIds() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    ProvisionReport r = h.run(h.target(bmc), h.mediaUrl("missing", true), Mode.FULL, SimHarness.fastOptions());
    assertThat(r.failedStep()).isEqualTo("insert");
    // message, then the ids in brackets, on one line naming the BMC and the step
    assertThat(r.summary()).matches("failed: BMC https://\\[::1\\]:\\d+ step insert: the BMC did not mount .*"
        + "\\(HTTP \\d+\\): Unable to mount the image: .*could not be fetched.*404.* \\[[^\\]]*MediaFetchFailed[^\\]]*\\]");
  }
}
