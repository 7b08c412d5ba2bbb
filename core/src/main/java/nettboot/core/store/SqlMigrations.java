package nettboot.core.store;

import static nettboot.core.store.SqlSupport.query;
import static nettboot.core.store.SqlSupport.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inventory schema: {@code resources/nettboot/db/V<n>__*.sql}, each applied once in its own
 * transaction and recorded in {@code schema_migrations}. Several replicas may migrate at once: on
 * PostgreSQL they serialise on an advisory transaction lock, on SQLite on the write lock that every
 * transaction takes when it begins (IMMEDIATE); a replica that got there first did the work.
 */
final class SqlMigrations {

  private record Migration(int version, String name, List<String> statements) {}

  private static final List<Migration> MIGRATIONS = List.of(
      migration(1, "V1__init.sql"), migration(2, "V2__prefix_allocations.sql"),
      migration(3, "V3__machine_configs.sql"), migration(4, "V4__config_fetches.sql"),
      migration(5, "V5__replica_heartbeats.sql"),
      migration(6, "V6__power_and_events.sql"),
      migration(7, "V7__revocations.sql"));

  /** Key of the PostgreSQL advisory lock that serialises migrations across replicas. */
  private static final long MIGRATION_LOCK = 0x6e65747462L;

  private SqlMigrations() {}

  /** Applies every missing migration in order (idempotent). */
  static Future<Void> migrate(SqlSupport sql) {
    Future<Void> chain = Future.succeededFuture();
    for (Migration m : MIGRATIONS) {
      chain = chain.compose(v -> migrate(sql, m));
    }
    return sql.guard(chain, "schema migration");
  }

  private static Future<Void> migrate(SqlSupport sql, Migration m) {
    return sql.<Void>transaction(conn -> lock(sql.dialect(), conn)
            .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
                + "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)").execute())
            .compose(v -> query(conn, "SELECT version FROM schema_migrations"
                + " WHERE version = #{version}", Map.of("version", m.version())))
            .compose(rows -> rows.size() > 0 ? Future.succeededFuture() : apply(conn, m)))
        // a replica that got there first did the work
        .recover(e -> SqlSupport.isUniqueViolation(e) ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  private static Future<Void> lock(SqlSupport.Dialect dialect, SqlConnection conn) {
    return switch (dialect) {
      case POSTGRES ->
          conn.query("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")").execute().mapEmpty();
      // the transaction began IMMEDIATE: the write lock is already held
      case SQLITE -> Future.succeededFuture();
    };
  }

  private static Future<Void> apply(SqlConnection conn, Migration m) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : m.statements()) {
      chain = chain.compose(v -> conn.query(statement).execute().mapEmpty());
    }
    return chain.compose(v -> update(conn, "INSERT INTO schema_migrations (version, applied_at)"
        + " VALUES (#{version}, #{at})",
        Map.of("version", m.version(), "at", System.currentTimeMillis()))).mapEmpty();
  }

  /** Reads one migration file from the classpath and splits it into statements. */
  private static Migration migration(int version, String name) {
    String path = "/nettboot/db/" + name;
    try (InputStream in = SqlMigrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration " + path + " is missing from the classpath");
      }
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : sql.split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("--")) {
          continue;
        }
        current.append(line).append('\n');
        if (trimmed.endsWith(";")) {
          statements.add(current.substring(0, current.lastIndexOf(";")).strip());
          current.setLength(0);
        }
      }
      if (!current.toString().isBlank()) {
        statements.add(current.toString().strip());
      }
      return new Migration(version, name, List.copyOf(statements));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + path, e);
    }
  }
}
