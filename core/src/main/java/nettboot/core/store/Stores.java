package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Objects;

/**
 * One open inventory database and every store over it: machines (with profiles and artifact
 * aliases), Talos configs and config tokens, and production-prefix pools. {@link StoreFactory}
 * opens it; nobody needs to know which class implements a part. The parts share one connection
 * pool: {@link #close} it once, after every user has stopped.
 *
 * @param machines machines, history, boot profiles and artifact aliases
 * @param configs Talos machine configs and per-boot config tokens
 * @param prefixes production-prefix pools
 * @param control BMCs, tenant settings, the event feed and idempotent request answers
 * @param database the schema and the connection pool behind the parts
 */
public record Stores(MachineStore machines, ConfigStore configs, PrefixAllocator prefixes,
    ControlStore control, Database database) implements AutoCloseable {

  /** What the parts share: the schema and the pool. */
  public interface Database {
    /** Applies pending schema migrations (idempotent; safe to call from several replicas). */
    Future<Void> migrate();

    /**
     * The readiness probe's write: commits {@code replica}'s heartbeat row (and deletes the rows of
     * replicas silent for an hour) in one write transaction, verified as every write is (on SQLite:
     * the file is still the one opened).
     */
    Future<Void> heartbeat(String replica, Instant now);

    /** Closes the pool; every part stops working. */
    void close();
  }

  public Stores {
    Objects.requireNonNull(machines, "machines");
    Objects.requireNonNull(configs, "configs");
    Objects.requireNonNull(prefixes, "prefixes");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(database, "database");
  }

  /** Applies pending schema migrations (idempotent; safe to call from several replicas). */
  public Future<Void> migrate() {
    return database.migrate();
  }

  /** The same database with {@code machines} in front (a cache, a fault injector). */
  public Stores withMachines(MachineStore machines) {
    return new Stores(machines, configs, prefixes, control, database);
  }

  @Override
  public void close() {
    database.close();
  }
}
