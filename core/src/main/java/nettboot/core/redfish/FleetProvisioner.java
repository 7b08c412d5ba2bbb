package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Provisions many BMCs with at most {@code parallel} flows in flight. One BMC failing never stops
 * the others; the result lists every report in input order.
 */
public final class FleetProvisioner {
  private final ProvisioningFlow flow;

  public FleetProvisioner(ProvisioningFlow flow) {
    this.flow = flow;
  }

  /**
   * @param onDone called once per finished BMC (from an event-loop thread; keep it short)
   */
  public Future<List<ProvisionReport>> provision(List<FleetJob> jobs, int parallel, Mode mode,
      Consumer<ProvisionReport> onDone) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1");
    }
    List<FleetJob> all = List.copyOf(jobs);
    if (all.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    AtomicReferenceArray<ProvisionReport> results = new AtomicReferenceArray<>(all.size());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger remaining = new AtomicInteger(all.size());
    Promise<List<ProvisionReport>> done = Promise.promise();
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= all.size()) {
        return;
      }
      FleetJob job = all.get(i);
      Future<ProvisionReport> f;
      try {
        f = flow.run(job.target(), job.mediaUrl(), mode);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        ProvisionReport r = ar.succeeded() ? ar.result() : new ProvisionReport(job.target().name(),
            job.target().display(), mode, List.of(), List.of(), "internal", String.valueOf(ar.cause()), null,
            java.time.Duration.ZERO);
        results.set(i, r);
        try {
          onDone.accept(r);
        } finally {
          if (remaining.decrementAndGet() == 0) {
            List<ProvisionReport> out = new ArrayList<>(all.size());
            for (int k = 0; k < all.size(); k++) {
              out.add(results.get(k));
            }
            done.complete(out);
          } else {
            worker[0].run();
          }
        }
      });
    };
    for (int w = 0; w < Math.min(parallel, all.size()); w++) {
      worker[0].run();
    }
    return done.future();
  }
}
