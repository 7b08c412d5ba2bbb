package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.FleetJob;
import nettboot.core.redfish.FleetProvisioner;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ProvisioningFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 simulated BMCs (each its own port, TLS) provisioned concurrently; the wall time is printed. */
class ScaleTest {
  static final int BMCS = 200;

  @Test
  void twoHundredBmcsProvisionedConcurrently(@TempDir Path tmp) throws Exception {
    try (SimHarness h = new SimHarness(tmp)) {
      List<SimulatedBmc> bmcs = new ArrayList<>();
      String[] profiles = VendorProfile.NAMES.toArray(String[]::new);
      for (int i = 0; i < profiles.length; i++) {
        int count = BMCS / profiles.length + (i < BMCS % profiles.length ? 1 : 0);
        bmcs.addAll(h.start(h.settings(profiles[i]), count).bmcs());
      }
      assertThat(bmcs).hasSize(BMCS);
      List<FleetJob> jobs = new ArrayList<>();
      for (SimulatedBmc b : bmcs) {
        List<String> systems = VendorProfile.named(b.profile()).systemIds();
        for (String system : systems) {
          // a multi-system BMC gets one node per system, provisioned one after another
          BmcTarget t = h.target(b);
          jobs.add(new FleetJob(systems.size() == 1 ? t
              : new BmcTarget(t.name() + "-" + system, t.url(), t.credentials(), t.trust(), system),
              h.mediaUrl("node-" + b.port() + "-" + system, true)));
        }
      }
      AtomicInteger done = new AtomicInteger();
      long start = System.nanoTime();
      List<ProvisionReport> reports = await(new FleetProvisioner(
          new ProvisioningFlow(h.vertx, SimHarness.fastOptions().withRequestTimeout(Duration.ofSeconds(20))))
          .provision(jobs, BMCS, Mode.FULL, r -> done.incrementAndGet()));
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      long failed = reports.stream().filter(r -> !r.ok()).count();
      System.out.println("SCALE: " + BMCS + " BMCs, " + jobs.size() + " nodes (" + profiles.length + " profiles, TLS, real ISO downloads of "
          + SimHarness.ISO_BYTES / 1024 + " KiB each) provisioned concurrently in " + wall.toMillis() + " ms; "
          + failed + " failed; slowest BMC " + reports.stream().mapToLong(r -> r.elapsed().toMillis()).max().orElse(0)
          + " ms");
      reports.stream().filter(r -> !r.ok()).limit(5).forEach(r -> System.out.println("  " + r.summary()));
      assertThat(done.get()).isEqualTo(jobs.size());
      assertThat(failed).isZero();
      assertThat(wall).as("generous bound on 2 cores").isLessThan(Duration.ofMinutes(3));
      for (SimulatedBmc b : bmcs) {
        for (int i = 0; i < VendorProfile.named(b.profile()).systemIds().size(); i++) {
          assertThat(await(b.snapshot(i)).downloadedBytes()).isEqualTo(SimHarness.ISO_BYTES);
        }
      }
    }
  }
}
