package nettboot.redfish.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.RedfishOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * BMCs that do not answer, and the wrong protocol: each fails once (no retries of a BMC that never
 * answered) with one line naming the kind of failure. With {@code -Dnettboot.redfish.defaultDeadlines=true}
 * the production deadlines are used, to measure the time to fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SilentBmcTest {
  SimHarness h;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path tmp) {
    h = new SimHarness(tmp);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    h.close();
  }

  static RedfishOptions options() {
    if (Boolean.getBoolean("nettboot.redfish.defaultDeadlines")) {
      return RedfishOptions.defaults();
    }
    return SimHarness.fastOptions().withContactTimeouts(Duration.ofMillis(400), Duration.ofMillis(800),
        Duration.ofMillis(1500));
  }

  private BmcTarget target(String scheme, int port) {
    BmcTrust trust = scheme.equals("https")
        ? new BmcTrust.Pinned(Pem.readCertificates(h.ca.rootCertPath()), "ca") : new BmcTrust.Insecure();
    return new BmcTarget("silent", URI.create(scheme + "://[::1]:" + port), new BmcCredentials("u", "p"), trust);
  }

  private ProvisionReport fails(BmcTarget t, String reason) {
    long start = System.nanoTime();
    ProvisionReport r = h.run(t, h.mediaUrl("x", true), Mode.FULL, options());
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    System.out.println("time to fail " + t.url() + ": " + ms + " ms: " + r.summary());
    assertThat(r.ok()).isFalse();
    assertThat(r.failedStep()).isEqualTo("service-root");
    assertThat(r.failure()).contains(reason).doesNotContain("attempts").doesNotMatch(".*[0-9a-f]{16}.*");
    assertThat(r.steps()).as("one attempt: asking a silent BMC again does not help").hasSize(1);
    return r;
  }

  /** A TCP listener that accepts connections and never says anything. */
  private int acceptsAndIsSilent() throws Exception {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("::1"));
    open.add(s);
    Thread t = new Thread(() -> {
      try {
        while (true) {
          open.add(s.accept());
        }
      } catch (Exception e) {
        // closed at the end of the test
      }
    });
    t.setDaemon(true);
    t.start();
    return s.getLocalPort();
  }

  /** A listener whose accept queue is full: new connections are never accepted. */
  private int neverAccepts() throws Exception {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"));
    open.add(s);
    for (int i = 0; i < 4; i++) {
      Socket c = new Socket();
      open.add(c);
      try {
        c.connect(new InetSocketAddress(InetAddress.getByName("::1"), s.getLocalPort()), 300);
      } catch (java.io.IOException e) {
        break; // the queue is full
      }
    }
    return s.getLocalPort();
  }

  @Test
  void httpsToAPortThatAcceptsAndNeverAnswers() throws Exception {
    fails(target("https", acceptsAndIsSilent()), "no TLS handshake within");
  }

  @Test
  void httpToAPortThatAcceptsAndNeverAnswers() throws Exception {
    fails(target("http", acceptsAndIsSilent()), "no answer within");
  }

  @Test
  void httpsToAPortThatNeverAccepts() throws Exception {
    fails(target("https", neverAccepts()), "no TCP connection within");
  }

  @Test
  void httpToAPortThatNeverAccepts() throws Exception {
    fails(target("http", neverAccepts()), "no TCP connection within");
  }

  @Test
  void theNodeDeadlineEndsASlowBmcAndNothingMoreIsSent() throws Exception {
    SimulatedBmc bmc = h.startOne(h.settings("generic", Fault.parse("latency:150")));
    RedfishOptions o = SimHarness.fastOptions().withDeadlines(Duration.ofSeconds(5), Duration.ofMillis(700));
    ProvisionReport r = h.run(h.target(bmc), h.mediaUrl("slow", true), Mode.FULL, o);
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).isEqualTo("node deadline of 700 ms passed; nothing more sent to the BMC");
    long requests = nettboot.core.testsupport.Futures.await(bmc.snapshot()).requests();
    Thread.sleep(500);
    assertThat(nettboot.core.testsupport.Futures.await(bmc.snapshot()).requests()).as("nothing sent afterwards")
        .isLessThanOrEqualTo(requests + 1);
    assertThat(nettboot.core.testsupport.Futures.await(bmc.snapshot()).cdImage()).isNull();
  }

  @Test
  void plainHttpToAnHttpsBmcIsNamedAsSuch() {
    SimulatedBmc bmc = h.startOne(h.settings("generic"));
    BmcTarget t = target("http", bmc.port());
    ProvisionReport r = h.run(t, h.mediaUrl("x", true), Mode.FULL, options());
    System.out.println(r.summary());
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).contains("HTTPS port").doesNotMatch(".*[0-9a-f]{16}.*");
  }
}
