package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Provisions many nodes with at most {@code parallel} BMCs in flight. Nodes behind one BMC (same
 * URL: a chassis manager with several systems) run one after another, never at once. One node
 * failing never stops the others; the result lists every report in input order.
 */
public final class FleetProvisioner {
  private final ProvisioningFlow flow;

  public FleetProvisioner(ProvisioningFlow flow) {
    this.flow = flow;
  }

  /**
   * @param onDone called once per finished node (from an event-loop thread; keep it short)
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
    // one queue of job indexes per BMC, BMCs in order of first appearance
    Map<String, List<Integer>> byBmc = new LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      byBmc.computeIfAbsent(all.get(i).target().bmcKey(), k -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> queues = List.copyOf(byBmc.values());
    AtomicReferenceArray<ProvisionReport> results = new AtomicReferenceArray<>(all.size());
    AtomicInteger nextQueue = new AtomicInteger();
    AtomicInteger remaining = new AtomicInteger(all.size());
    Promise<List<ProvisionReport>> done = Promise.promise();
    Runnable[] worker = new Runnable[1];
    worker[0] = () -> {
      int q = nextQueue.getAndIncrement();
      if (q < queues.size()) {
        runQueue(all, queues.get(q), 0, mode, results, onDone, remaining, done).onComplete(v -> worker[0].run());
      }
    };
    for (int w = 0; w < Math.min(parallel, queues.size()); w++) {
      worker[0].run();
    }
    return done.future();
  }

  /** Runs the jobs of one BMC one after another, from position {@code k}. */
  private Future<Void> runQueue(List<FleetJob> all, List<Integer> queue, int k, Mode mode,
      AtomicReferenceArray<ProvisionReport> results, Consumer<ProvisionReport> onDone, AtomicInteger remaining,
      Promise<List<ProvisionReport>> done) {
    if (k >= queue.size()) {
      return Future.succeededFuture();
    }
    int i = queue.get(k);
    FleetJob job = all.get(i);
    Future<ProvisionReport> f;
    try {
      f = flow.run(job.target(), job.identity(), job.mediaUrl(), mode);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.transform(ar -> {
      ProvisionReport r = ar.succeeded() ? ar.result() : ProvisionReport.internal(job.target(), mode, ar.cause());
      results.set(i, r);
      try {
        onDone.accept(r);
      } finally {
        if (remaining.decrementAndGet() == 0) {
          List<ProvisionReport> out = new ArrayList<>(all.size());
          for (int n = 0; n < all.size(); n++) {
            out.add(results.get(n));
          }
          done.complete(out);
        }
      }
      return runQueue(all, queue, k + 1, mode, results, onDone, remaining, done);
    });
  }
}
