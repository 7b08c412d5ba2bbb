package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import nettboot.core.machine.MachineId;
import nettboot.core.store.MachineStore;
import nettboot.core.store.Stores;

/**
 * What {@code /readyz} reports about the store: every {@link #PERIOD} a real write (this replica's
 * heartbeat row, committed and, on SQLite, verified to land in the file the server opened) and
 * then the boot path's read (a tenant-scoped machine lookup on the store itself, not the cache),
 * each with a {@link #DEADLINE} below iPXE's 5 s chain timeout. Ready while the last probe
 * succeeded and is fresh; else the reason, e.g. {@code store write timed out after 2000 ms}.
 *
 * <p>Deployed as a worker verticle: the probe's callbacks never run on the event loops that answer
 * boots. A probe still waiting on a frozen store is not started again (one probe in flight at most),
 * but readiness turns false at its deadline.
 */
final class ReadinessProbe extends VerticleBase {
  static final Duration PERIOD = Duration.ofSeconds(1);
  static final Duration DEADLINE = Duration.ofSeconds(2);
  /** Older than this, the last outcome no longer counts (the probe itself has stopped). */
  static final Duration STALE = PERIOD.multipliedBy(3).plus(DEADLINE);

  /** A machine id no machine has: the lookup costs what a boot of an unknown machine costs. */
  private static final MachineId PROBE_ID = MachineId.parse("00000000-0000-4000-8000-00000000beef");
  private static final String PROBE_TENANT = "-readiness-probe";

  private record Outcome(String problem, long atNanos) {}

  private final MachineStore machines;
  private final Stores.Database database;
  private final Clock clock;
  private final JsonLog log;
  private final String replica = UUID.randomUUID().toString();
  private final Promise<Void> first = Promise.promise();
  private volatile Outcome outcome = new Outcome("store probe has not completed yet", System.nanoTime());
  private boolean inFlight;

  /**
   * @param machines the machine store itself (not the boot cache): the probe measures the store
   * @param database the database behind it, for the write
   */
  ReadinessProbe(MachineStore machines, Stores.Database database, Clock clock, JsonLog log) {
    this.machines = Objects.requireNonNull(machines, "machines");
    this.database = Objects.requireNonNull(database, "database");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Completes when the first probe has an outcome (ready or not). */
  Future<Void> firstOutcome() {
    return first.future();
  }

  @Override
  public Future<?> start() {
    probe();
    vertx.setPeriodic(PERIOD.toMillis(), id -> probe());
    return Future.succeededFuture();
  }

  /** Empty when the store answered the last probe in time and that probe is fresh, else why not. */
  String problem() {
    Outcome o = outcome;
    long age = System.nanoTime() - o.atNanos();
    if (o.problem().isEmpty() && age > STALE.toNanos()) {
      return "store probe stale: last result " + age / 1_000_000 + " ms ago";
    }
    return o.problem();
  }

  private void probe() {
    if (inFlight) {
      return; // the last one still waits on the store; its deadline has reported it
    }
    inFlight = true;
    deadline("store write", false, database.heartbeat(replica, clock.instant()))
        .compose(v -> deadline("boot read", true, machines.findForTenant(PROBE_TENANT, PROBE_ID)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            report("");
          } else if (!(ar.cause() instanceof Deadline)) {
            report(ar.cause().getMessage());
          }
        });
  }

  /**
   * Fails as soon as {@code f} fails or {@code DEADLINE} passes. The probe stays in flight until
   * {@code f} ends, and on after it when {@code f} succeeded in time and is not the {@code last} step.
   */
  private Future<Void> deadline(String what, boolean last, Future<?> f) {
    Promise<Void> p = Promise.promise();
    long timer = vertx.setTimer(DEADLINE.toMillis(), id -> {
      if (p.tryFail(new Deadline())) {
        report(what + " timed out after " + DEADLINE.toMillis() + " ms");
      }
    });
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      inFlight = ar.succeeded() && !last && !p.future().isComplete(); // before the next step starts
      if (ar.succeeded()) {
        p.tryComplete();
      } else {
        p.tryFail(new IllegalStateException(what + " failed: " + ar.cause().getMessage()));
      }
    });
    return p.future();
  }

  private void report(String problem) {
    Outcome last = outcome;
    outcome = new Outcome(problem, System.nanoTime());
    if (!problem.equals(last.problem())) {
      if (problem.isEmpty()) {
        log.info("store_ready", Map.of());
      } else {
        log.warn("store_not_ready", Map.of("reason", problem));
      }
    }
    first.tryComplete();
  }

  /** The probe's own deadline passed (already reported). */
  private static final class Deadline extends RuntimeException {
    Deadline() {
      super(null, null, false, false);
    }
  }
}
