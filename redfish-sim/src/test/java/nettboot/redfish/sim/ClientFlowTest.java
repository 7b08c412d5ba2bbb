package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole client flow against every vendor profile and every fault mode, real sockets and TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientFlowTest {
  SimHarness h;

  @BeforeAll
  void start(@TempDir Path tmp) {
    h = new SimHarness(tmp);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"generic", "idrac", "ilo", "supermicro", "xcc", "openbmc"})
  void everyProfileMountsTheIsoMakesTheCdBootFirstAndResets(String profile) throws Exception {
    SimSettings settings = h.settings(profile);
    // a machine just powered on sits in POST for 1.5 s: iLO-like refuses boot changes until then
    settings = new SimSettings(settings.profile(), settings.user(), settings.password(), settings.tls(),
        settings.faults(), settings.powerDelay(), java.time.Duration.ofMillis(1500));
    SimulatedBmc bmc = h.startOne(settings);
    String url = h.mediaUrl("node-" + profile, true);
    ProvisionReport r = h.run(h.target(bmc), url, Mode.FULL, SimHarness.fastOptions());
    System.out.println(profile + ": " + r.summary() + " quirks " + r.quirks());
    assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();

    SimSnapshot s = h.awaitBoot(bmc);
    assertThat(s.cdImage()).isEqualTo(url);
    assertThat(s.downloadedBytes()).as("the BMC really fetched the image").isEqualTo(SimHarness.ISO_BYTES);
    assertThat(s.boots()).isNotEmpty();
    assertThat(s.boots().get(0).device()).isIn("Cd", "UsbCd");
    assertThat(s.boots().get(0).image()).isEqualTo(url);
    assertThat(s.openSessions()).as("logged out").isZero();
    boolean onceOnly = profile.equals("xcc");
    assertThat(r.interception().permanent()).isEqualTo(!onceOnly);
    if (onceOnly) {
      assertThat(s.bootEnabled()).as("Once is used up by the boot").isEqualTo("Disabled");
      assertThat(r.steps()).anyMatch(x -> x.step().equals("reapply-once"));
    } else {
      assertThat(s.bootEnabled()).isEqualTo("Continuous");
      assertThat(s.bootTarget()).isEqualTo(profile.equals("supermicro") ? "UsbCd" : "Cd");
    }
    if (profile.equals("ilo")) {
      assertThat(r.quirks()).anyMatch(q -> q.contains("during POST"));
    }

    // provisioning again (a reinstall) must eject the first image: iLO-like needs a {} body,
    // XCC-like ejects by PATCH; the machine is on now, so the reset is a ForceRestart
    String second = h.mediaUrl("again-" + profile, true);
    ProvisionReport again = h.run(h.target(bmc), second, Mode.FULL, SimHarness.fastOptions());
    assertThat(again.ok()).as(again.summary() + "\n" + again.steps()).isTrue();
    assertThat(again.steps()).anyMatch(x -> x.step().equals("eject") && x.status() / 100 == 2
        && !x.note().contains("not needed"));
    assertThat(again.steps()).anyMatch(x -> x.step().equals("power-state") && x.note().contains("ForceRestart"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    SimSnapshot after = h.awaitBoot(bmc);
    while (after.boots().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      after = await(bmc.snapshot());
    }
    assertThat(after.boots()).hasSize(2);
    assertThat(after.boots().get(1).image()).isEqualTo(second);
  }

  static Stream<Arguments> profilesTimesFaults() {
    String[] faults = {"latency:150", "5xx:3", "drop:4", "hang:6", "stale-etag", "task:200", "no-sessions"};
    return Stream.of("generic", "idrac", "ilo", "supermicro", "xcc", "openbmc")
        .flatMap(p -> Stream.of(faults).map(f -> Arguments.of(p, f)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("profilesTimesFaults")
  void theFlowSurvivesEveryFaultModeOnEveryProfile(String profile, String fault) throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings(profile, Fault.parse(fault)));
    String url = h.mediaUrl("n-" + profile, true);
    var options = SimHarness.fastOptions().withRequestTimeout(java.time.Duration.ofMillis(800));
    ProvisionReport r = h.run(h.target(bmc), url, Mode.FULL, options);
    assertThat(r.ok()).as(r.summary() + "\n" + String.join("\n", r.steps().stream().map(Object::toString).toList()))
        .isTrue();
    SimSnapshot s = h.awaitBoot(bmc);
    assertThat(s.boots()).isNotEmpty();
    assertThat(s.boots().get(0).device()).isIn("Cd", "UsbCd");
    switch (fault.split(":")[0]) {
      case "stale-etag" -> assertThat(r.quirks()).anyMatch(q -> q.contains("412"));
      case "task" -> assertThat(r.quirks()).anyMatch(q -> q.contains("task monitor"));
      case "no-sessions" -> assertThat(r.quirks()).anyMatch(q -> q.contains("basic authentication"));
      case "5xx" -> assertThat(r.quirks()).anyMatch(q -> q.contains("503"));
      case "drop" -> assertThat(r.steps()).anyMatch(x -> x.bmcSaid().contains("dropped"));
      case "hang" -> assertThat(r.steps()).anyMatch(x -> x.bmcSaid().contains("no answer within"));
      default -> { }
    }
  }
}
