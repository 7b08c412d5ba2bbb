package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Many simulated BMCs in one process, each on its own port (consecutive from a base, or ephemeral). */
public final class Simulator {
  private final Vertx vertx;
  private final List<SimulatedBmc> bmcs;
  private final List<String> deployments;

  private Simulator(Vertx vertx, List<SimulatedBmc> bmcs, List<String> deployments) {
    this.vertx = vertx;
    this.bmcs = List.copyOf(bmcs);
    this.deployments = List.copyOf(deployments);
  }

  /**
   * Starts {@code count} BMCs on {@code host}: ports {@code firstPort, firstPort+1, …}, or
   * ephemeral ports when {@code firstPort} is 0.
   */
  public static Future<Simulator> start(Vertx vertx, SimSettings settings, String host, int firstPort, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
    List<BmcSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      specs.add(new BmcSpec(settings, null));
    }
    return start(vertx, host, firstPort, specs);
  }

  /**
   * Starts one BMC per spec on {@code host}: ports {@code firstPort, firstPort+1, …}, or ephemeral
   * ports when {@code firstPort} is 0. A failure stops every BMC (and system) started so far.
   */
  public static Future<Simulator> start(Vertx vertx, String host, int firstPort, List<BmcSpec> specs) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("count must be at least 1");
    }
    List<SimulatedBmc> bmcs = new ArrayList<>();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      BmcSpec spec = specs.get(i);
      SimulatedBmc b = new SimulatedBmc(spec.settings(), host, firstPort == 0 ? 0 : firstPort + i, spec.backing());
      bmcs.add(b);
      deployed.add(vertx.deployVerticle(b));
    }
    return Future.join(deployed).transform(ar -> {
      List<String> ids = new ArrayList<>();
      for (Future<String> f : deployed) {
        if (f.succeeded()) {
          ids.add(f.result());
        }
      }
      if (ar.failed()) {
        Simulator partial = new Simulator(vertx, bmcs, ids);
        return partial.stop().compose(v -> Future.failedFuture(ar.cause()));
      }
      return Future.succeededFuture(new Simulator(vertx, bmcs, ids));
    });
  }

  public List<SimulatedBmc> bmcs() {
    return bmcs;
  }

  public Future<Void> stop() {
    List<Future<Void>> f = new ArrayList<>();
    for (String id : deployments) {
      f.add(vertx.undeploy(id));
    }
    return Future.join(f).mapEmpty();
  }
}
