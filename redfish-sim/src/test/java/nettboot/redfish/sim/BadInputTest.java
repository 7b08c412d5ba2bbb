package nettboot.redfish.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input ends that BMC with a one-line reason naming the BMC and the step, within a deadline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  static final Duration DEADLINE = Duration.ofSeconds(15);
  SimHarness h;
  Path tmp;

  @BeforeAll
  void start(@TempDir Path tmp) {
    this.tmp = tmp;
    h = new SimHarness(tmp);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  private ProvisionReport failing(BmcTarget t, String url, String step, String reasonPart) {
    long start = System.nanoTime();
    ProvisionReport r = h.run(t, url, Mode.FULL, SimHarness.fastOptions());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println(r.summary() + " (" + took.toMillis() + " ms)");
    assertThat(r.ok()).isFalse();
    assertThat(r.failedStep()).isEqualTo(step);
    assertThat(r.summary()).contains(t.url().toString()).contains("step " + step).contains(reasonPart)
        .doesNotContain("\n").doesNotContain(h.password);
    assertThat(took).isLessThan(DEADLINE);
    return r;
  }

  @Test
  void unreachableBmc() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
      closed = s.getLocalPort();
    }
    BmcTarget t = new BmcTarget("gone", URI.create("https://[::1]:" + closed), new BmcCredentials("u", "p"),
        new BmcTrust.Pinned(Pem.readCertificates(h.ca.rootCertPath()), "ca"));
    failing(t, h.mediaUrl("x", true), "service-root", "unreachable");
  }

  @Test
  void wrongCredentials() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    BmcTarget good = h.target(bmc);
    BmcTarget t = new BmcTarget(good.name(), good.url(), new BmcCredentials(SimHarness.USER, "wrong"), good.trust());
    failing(t, h.mediaUrl("x", true), "login", "credentials rejected");
  }

  @Test
  void wrongCredentialsWithBasicAuthentication() {
    SimulatedBmc bmc = h.startOne(h.settings("generic", Fault.parse("no-sessions")));
    BmcTarget good = h.target(bmc);
    BmcTarget t = new BmcTarget(good.name(), good.url(), new BmcCredentials(SimHarness.USER, "wrong"), good.trust());
    failing(t, h.mediaUrl("x", true), "login", "credentials rejected");
  }

  @Test
  void certificateNotMatchingThePin() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    EmbeddedCa other = EmbeddedCa.init(tmp.resolve("other-ca"), "other.example.net", List.of("::1"), Clock.systemUTC());
    BmcTarget good = h.target(bmc);
    BmcTarget t = new BmcTarget(good.name(), good.url(), good.credentials(),
        new BmcTrust.Pinned(Pem.readCertificates(other.rootCertPath()), "other-ca/root-ca.crt"));
    ProvisionReport r = failing(t, h.mediaUrl("x", true), "service-root", "TLS");
    assertThat(r.failure()).contains("neither pinned nor issued by a CA pinned in other-ca/root-ca.crt");
  }

  @Test
  void pinningTheLeafCertificateWorksWithoutTheCa() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    BmcTarget good = h.target(bmc);
    BmcTarget t = new BmcTarget(good.name(), good.url(), good.credentials(),
        new BmcTrust.Pinned(List.of(Pem.readCertificates(h.ca.serverCertPath()).get(0)), "server leaf"));
    assertThat(h.run(t, h.mediaUrl("leaf", true), Mode.DRY_RUN, SimHarness.fastOptions()).ok()).isTrue();
  }

  @Test
  void tlsToAPlainHttpBmc() {
    SimSettings plain = h.settings("generic");
    plain = new SimSettings(plain.profile(), plain.user(), plain.password(), null, List.of(), plain.powerDelay(),
        plain.postDuration());
    SimulatedBmc bmc = h.startOne(plain);
    BmcTarget t = new BmcTarget("plain", URI.create(bmc.url().replace("http://", "https://")),
        new BmcCredentials(SimHarness.USER, h.password),
        new BmcTrust.Pinned(Pem.readCertificates(h.ca.rootCertPath()), "ca"));
    failing(t, h.mediaUrl("x", true), "service-root", "TLS");
  }

  @Test
  void noCdCapableSlot() {
    VendorProfile usbOnly = VendorProfile.named("generic").withSlots(List.of(new SlotSpec("Usb", List.of("USBStick"))));
    SimulatedBmc bmc = h.startOne(h.settings("generic").withProfile(usbOnly));
    failing(h.target(bmc), h.mediaUrl("x", true), "media-slot", "no CD/DVD-capable virtual media slot");
  }

  @Test
  void mediaUrlTheBmcCannotFetch() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    failing(h.target(bmc), h.mediaUrl("missing", true), "insert", "HTTP 404");
  }

  @Test
  void mediaHostTheBmcCannotReach() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
      closed = s.getLocalPort();
    }
    SimulatedBmc bmc = h.startOne(h.settings("idrac", Fault.parse("task:100")));
    failing(h.target(bmc), "https://[::1]:" + closed + "/x.iso", "insert", "could not be fetched");
  }

  @Test
  void httpMediaUrlOnAnHttpsOnlyBmcFailsBeforeTouchingTheSlot() {
    SimulatedBmc bmc = h.startOne(h.settings("openbmc"));
    ProvisionReport r = failing(h.target(bmc), h.mediaUrl("x", false), "insert", "only over [HTTPS]");
    assertThat(r.steps()).noneMatch(s -> s.request().startsWith("POST") && s.request().contains("InsertMedia"));
  }

  @Test
  void bootTargetNotAllowed() {
    VendorProfile noCd = VendorProfile.named("generic").withBootTargets(List.of("None", "Pxe", "Hdd"));
    SimulatedBmc bmc = h.startOne(h.settings("generic").withProfile(noCd));
    failing(h.target(bmc), h.mediaUrl("x", true), "boot-override", "boot target not allowed");
  }

  @Test
  void aBmcThatNeverAnswersHitsTheDeadline() {
    SimulatedBmc bmc = h.startOne(h.settings("generic", Fault.parse("hang:1")));
    long start = System.nanoTime();
    ProvisionReport r = h.run(h.target(bmc), h.mediaUrl("x", true), Mode.FULL,
        SimHarness.fastOptions().withRequestTimeout(Duration.ofMillis(300)));
    assertThat(r.ok()).isFalse();
    // a BMC that never answered in this run is not asked again: one attempt, one clear line
    assertThat(r.failure()).isEqualTo("no answer within 300 ms").doesNotContain("attempts");
    assertThat(r.steps()).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
  }
}
