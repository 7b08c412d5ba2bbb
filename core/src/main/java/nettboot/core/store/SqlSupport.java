package nettboot.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import nettboot.core.error.ConflictException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.UnavailableException;

/**
 * What every SQL store shares: the pool, the dialect, transactions, {@link SqlTemplate} queries
 * with {@code #{name}} parameters, change announcements, and the one translation of database
 * failures into domain errors. It is also the {@link Stores.Database} of an open store: the schema
 * ({@link SqlMigrations}) and the pool's lifetime.
 */
final class SqlSupport implements Stores.Database {

  /** The database behind the pool; the SQL is shared, only locking differs. */
  enum Dialect { SQLITE, POSTGRES }

  /** Heartbeat rows of replicas silent this long are deleted. */
  private static final long HEARTBEAT_KEPT_MS = 3_600_000;

  /** Longest database detail quoted in an error message. */
  private static final int MAX_DETAIL = 200;

  private final Pool pool;
  private final Dialect dialect;

  SqlSupport(Pool pool, Dialect dialect) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  Pool pool() {
    return pool;
  }

  Dialect dialect() {
    return dialect;
  }

  @Override
  public Future<Void> migrate() {
    return SqlMigrations.migrate(this);
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public Future<Void> heartbeat(String replica, Instant now) {
    long at = now.toEpochMilli();
    return guard(transaction(conn -> update(conn, "INSERT INTO replica_heartbeats (replica, beat_at)"
            + " VALUES (#{replica}, #{at}) ON CONFLICT (replica) DO UPDATE SET beat_at = #{at}",
            Map.of("replica", replica, "at", at))
        .compose(n -> update(conn, "DELETE FROM replica_heartbeats WHERE beat_at < #{stale}",
            Map.of("stale", at - HEARTBEAT_KEPT_MS)))).mapEmpty(), "heartbeat");
  }

  /** A cheap round trip to the database, for readiness checks. */
  Future<Void> ping() {
    return guard(pool.query("SELECT 1").execute().mapEmpty(), "ping");
  }

  /**
   * Runs {@code work} in one transaction on one connection: committed when its future succeeds,
   * rolled back when it fails (the failure is passed on unchanged).
   *
   * <p>On SQLite the transaction is opened with an explicit {@code BEGIN IMMEDIATE}, which takes
   * the database's write lock up front (waiting up to the busy timeout), so writers queue instead
   * of failing with SQLITE_BUSY when a read transaction tries to upgrade. It also keeps the JDBC
   * connection in auto-commit mode: the Vert.x 5.0 JDBC pool's own transactions leave a pooled
   * connection with auto-commit off after commit (vert-x3/vertx-jdbc-client#356), which on SQLite
   * holds the write lock between transactions and locks out every other connection to the file.
   * Before COMMIT it verifies that the database file is still the one opened ({@link SqliteFile}):
   * a write into a deleted or replaced file is rolled back and fails, never acknowledged.
   */
  <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return switch (dialect) {
      case POSTGRES -> pool.withTransaction(work);
      case SQLITE -> pool.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
          .compose(begun -> {
            Future<T> done;
            try {
              done = work.apply(conn);
            } catch (RuntimeException e) {
              done = Future.failedFuture(e);
            }
            return done
                // the file is still the one opened: else this commit would go to a lost inode
                .compose(result -> conn.query("SELECT " + SqliteFile.UNCHANGED_FUNCTION + "()")
                    .execute().map(result))
                .compose(result -> conn.query("COMMIT").execute().map(result))
                // also after a failed COMMIT: the connection goes back to the pool clean
                .recover(failure -> conn.query("ROLLBACK").execute()
                    .transform(rolledBack -> Future.<T>failedFuture(failure)));
          }));
    };
  }

  /**
   * On PostgreSQL, tells the other replicas (their {@link ChangeFeed}) what this transaction
   * changed; {@code pg_notify} is delivered only if the transaction commits. No-op on SQLite (one
   * process owns the file).
   */
  <T> Future<T> announce(SqlConnection conn, T result, String change) {
    return announce(conn, result, ChangeFeed.CHANNEL, change);
  }

  /** {@link #announce(SqlConnection, Object, String)} on {@code channel}. */
  <T> Future<T> announce(SqlConnection conn, T result, String channel, String change) {
    if (dialect != Dialect.POSTGRES) {
      return Future.succeededFuture(result);
    }
    return query(conn, "SELECT pg_notify('" + channel + "', #{change})",
        Map.of("change", change)).map(result);
  }

  static Future<RowSet<Row>> query(SqlClient client, String sql, Map<String, Object> p) {
    return SqlTemplate.forQuery(client, sql).execute(p);
  }

  /** Runs a modifying statement; the future holds the number of rows it changed. */
  static Future<Integer> update(SqlClient client, String sql, Map<String, Object> p) {
    return SqlTemplate.forUpdate(client, sql).execute(p).map(r -> r.rowCount());
  }

  static <T> List<T> mapAll(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(f.apply(r));
    }
    return out;
  }

  /** {@link #guard(Future, String, String)} for an operation that cannot lose a race. */
  <T> Future<T> guard(Future<T> f, String operation) {
    return guard(f, operation, operation + " lost a race with a concurrent change; retry");
  }

  /**
   * Makes every failure of {@code operation} a domain error: domain errors pass through unchanged,
   * a unique-constraint violation (a lost race) becomes ConflictException with {@code conflict} as
   * its message (plus "(concurrent change); retry" for a PostgreSQL serialization failure or
   * deadlock), and anything else from the database becomes UnavailableException naming the
   * operation and the database's first line, truncated.
   */
  <T> Future<T> guard(Future<T> f, String operation, String conflict) {
    return f.recover(e -> Future.failedFuture(translate(e, operation, conflict)));
  }

  private NettBootException translate(Throwable e, String operation, String conflict) {
    if (e instanceof NettBootException domain) {
      return domain;
    }
    if (isUniqueViolation(e)) {
      return new ConflictException(conflict);
    }
    if (isConcurrencyFailure(e)) {
      return new ConflictException(conflict + " (concurrent change); retry");
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getMessage().lines().findFirst().orElse("");
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "...";
    }
    return new UnavailableException("inventory database (" + dialect.name().toLowerCase(Locale.ROOT)
        + ") failed during " + operation + ": " + detail, e);
  }

  /** PostgreSQL serialization failure or deadlock: a concurrent writer won; a retry may succeed. */
  static boolean isConcurrencyFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException db
          && ("40001".equals(db.getSqlState()) || "40P01".equals(db.getSqlState()))) {
        return true;
      }
    }
    return false;
  }

  /** PostgreSQL SQLSTATE 23505, or SQLite's UNIQUE / PRIMARY KEY constraint failure. */
  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException db && "23505".equals(db.getSqlState())) {
        return true;
      }
      if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState())
          || String.valueOf(sql.getMessage()).contains("UNIQUE constraint failed")
          || String.valueOf(sql.getMessage()).contains("SQLITE_CONSTRAINT_PRIMARYKEY")
          || String.valueOf(sql.getMessage()).contains("SQLITE_CONSTRAINT_UNIQUE"))) {
        return true;
      }
    }
    return false;
  }
}
