package nettboot.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.UnavailableException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Role;

/**
 * {@link MachineStore} over a Vert.x SQL client pool, with the same SQL on SQLite (JDBC pool) and
 * PostgreSQL (pg client). Queries are {@link SqlTemplate}s with {@code #{name}} parameters.
 *
 * <p>Concurrency: lifecycle and profile changes are optimistic ({@code UPDATE ... WHERE version =
 * #{version}}); uniqueness of UUIDs and MACs is checked first for a precise message and enforced by
 * the schema as the race guard. On SQLite every transaction begins IMMEDIATE, so writers (and
 * migrations from several processes) serialise on the database's write lock; on PostgreSQL
 * migrations serialise on an advisory transaction lock.
 */
public final class SqlMachineStore implements MachineStore {

  /** The database behind the pool; the SQL is shared, only locking differs. */
  public enum Dialect { SQLITE, POSTGRES }

  private record Migration(int version, String name, List<String> statements) {}

  private static final List<Migration> MIGRATIONS = List.of(
      migration(1, "V1__init.sql"), migration(2, "V2__prefix_allocations.sql"),
      migration(3, "V3__machine_configs.sql"), migration(4, "V4__config_fetches.sql"));

  /** Key of the PostgreSQL advisory lock that serialises migrations across replicas. */
  private static final long MIGRATION_LOCK = 0x6e65747462L;

  private static final String MACHINE_COLUMNS = "m.key, m.uuid, m.tenant, m.role, m.hostname,"
      + " m.profile, m.state, m.version, m.wipe_served, m.created_at, m.updated_at";

  private final Pool pool;
  private final Dialect dialect;

  public SqlMachineStore(Pool pool, Dialect dialect) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
  }

  // ---------------------------------------------------------------- schema

  @Override
  public Future<Void> migrate() {
    Future<Void> chain = Future.succeededFuture();
    for (Migration m : MIGRATIONS) {
      chain = chain.compose(v -> migrate(m));
    }
    return guard(chain, "schema migration");
  }

  private Future<Void> migrate(Migration m) {
    return this.<Void>inTransaction(conn -> lockMigrations(conn)
            .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
                + "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)").execute())
            .compose(v -> query(conn, "SELECT version FROM schema_migrations"
                + " WHERE version = #{version}", Map.of("version", m.version())))
            .compose(rows -> rows.size() > 0 ? Future.succeededFuture() : apply(conn, m)))
        // a replica that got there first did the work
        .recover(e -> isUniqueViolation(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private Future<Void> lockMigrations(SqlConnection conn) {
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

  private static Migration migration(int version, String name) {
    String path = "/nettboot/db/" + name;
    try (InputStream in = SqlMachineStore.class.getResourceAsStream(path)) {
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

  @Override
  public Future<Void> ping() {
    return guard(pool.query("SELECT 1").execute().mapEmpty(), "ping");
  }

  // ---------------------------------------------------------------- machines

  @Override
  public Future<Machine> enroll(Enrollment e, String actor, Instant now) {
    if (actor == null || actor.isBlank()) {
      return Future.failedFuture(missingActor());
    }
    long at = now.toEpochMilli();
    Machine machine = new Machine(java.util.UUID.randomUUID().toString(), e.uuid(), e.macs(),
        e.tenant(), e.role(), e.hostname(), e.profile(), MachineState.NEW, 1, false,
        Instant.ofEpochMilli(at), Instant.ofEpochMilli(at));
    String ids = e.uuid().map(u -> "UUID " + u).orElse("")
        + (e.uuid().isPresent() && !e.macs().isEmpty() ? " or " : "")
        + (e.macs().isEmpty() ? "" : "MACs " + e.macs());
    Future<Machine> f = inTransaction(conn -> requireProfile(conn, e.profile(), e.tenant())
        .compose(v -> requireUnused(conn, e))
        .compose(v -> {
          Map<String, Object> p = machineParams(machine);
          return update(conn, "INSERT INTO machines (key, uuid, tenant, role, hostname, profile,"
              + " state, version, wipe_served, created_at, updated_at) VALUES (#{key}, #{uuid},"
              + " #{tenant}, #{role}, #{hostname}, #{profile}, #{state}, #{version},"
              + " #{wipe_served}, #{created_at}, #{updated_at})", p);
        })
        .compose(v -> insertMacs(conn, machine))
        .compose(v -> insertHistory(conn, new HistoryEntry(machine.key(), machine.version(),
            Optional.empty(), MachineState.NEW, actor, "enrolled", machine.createdAt())))
        .compose(v -> announce(conn, machine, ChangeFeed.machine(machine))));
    return guard(f, "enrolment of " + ids + " conflicts with an enrolled machine");
  }

  private static Future<Void> requireUnused(SqlConnection conn, Enrollment e) {
    Future<Void> chain = e.uuid().isEmpty() ? Future.succeededFuture()
        : query(conn, "SELECT key FROM machines WHERE uuid = #{uuid}",
            Map.of("uuid", e.uuid().get().value()))
            .compose(rows -> rows.size() > 0
                ? Future.failedFuture(new ConflictException(
                    "UUID " + e.uuid().get() + " is already enrolled"))
                : Future.succeededFuture());
    for (MachineId.Mac mac : e.macs()) {
      chain = chain.compose(v -> query(conn,
          "SELECT machine_key FROM machine_macs WHERE mac = #{mac}", Map.of("mac", mac.value())))
          .compose(rows -> rows.size() > 0
              ? Future.failedFuture(new ConflictException("MAC " + mac + " is already enrolled"))
              : Future.succeededFuture());
    }
    return chain;
  }

  /** Inserts the MACs in sorted order, so that racing enrolments lock them in the same order. */
  private static Future<Void> insertMacs(SqlConnection conn, Machine m) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < m.macs().size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(i -> m.macs().get(i).value()));
    Future<Void> chain = Future.succeededFuture();
    for (int i : order) {
      Map<String, Object> p = Map.of("mac", m.macs().get(i).value(), "key", m.key(), "pos", i);
      chain = chain.compose(v -> update(conn, "INSERT INTO machine_macs (mac, machine_key,"
          + " position) VALUES (#{mac}, #{key}, #{pos})", p).mapEmpty());
    }
    return chain;
  }

  @Override
  public Future<Optional<Machine>> find(MachineId id) {
    return guard(pool.withConnection(conn -> find(conn, id)), "lookup");
  }

  @Override
  public Future<Optional<Machine>> findForTenant(String tenant, MachineId id) {
    return find(id).map(m -> m.filter(machine -> machine.tenant().equals(tenant)));
  }

  @Override
  public Future<List<Machine>> list(Optional<String> tenant) {
    String where = tenant.isPresent() ? " WHERE m.tenant = #{tenant}" : "";
    Map<String, Object> p = tenant.<Map<String, Object>>map(t -> Map.of("tenant", t))
        .orElse(Map.of());
    Future<List<Machine>> f = pool.withConnection(conn -> query(conn,
        "SELECT mm.machine_key, mm.mac FROM machine_macs mm JOIN machines m"
            + " ON m.key = mm.machine_key" + where + " ORDER BY mm.machine_key, mm.position", p)
        .compose(macRows -> {
          Map<String, List<MachineId.Mac>> macs = new HashMap<>();
          for (Row r : macRows) {
            macs.computeIfAbsent(r.getString("machine_key"), k -> new ArrayList<>())
                .add(new MachineId.Mac(r.getString("mac")));
          }
          return query(conn, "SELECT " + MACHINE_COLUMNS + " FROM machines m" + where
              + " ORDER BY m.created_at, m.key", p)
              .map(rows -> {
                List<Machine> out = new ArrayList<>();
                for (Row r : rows) {
                  out.add(toMachine(r, macs.getOrDefault(r.getString("key"), List.of())));
                }
                return out;
              });
        }));
    return guard(f, "list");
  }

  @Override
  public Future<List<Machine>> page(String afterKey, int limit) {
    if (limit < 1) {
      return Future.failedFuture(new InvalidInputException("limit", "must be positive"));
    }
    Future<List<Machine>> f = pool.withConnection(conn -> query(conn, "SELECT " + MACHINE_COLUMNS
            + " FROM machines m WHERE m.key > #{after} ORDER BY m.key LIMIT #{limit}",
        Map.of("after", afterKey, "limit", limit))
        .compose(rows -> {
          List<Row> machineRows = new ArrayList<>();
          rows.forEach(machineRows::add);
          if (machineRows.isEmpty()) {
            return Future.succeededFuture(List.<Machine>of());
          }
          String last = machineRows.get(machineRows.size() - 1).getString("key");
          return query(conn, "SELECT machine_key, mac FROM machine_macs WHERE machine_key > #{after}"
                  + " AND machine_key <= #{last} ORDER BY machine_key, position",
              Map.of("after", afterKey, "last", last))
              .map(macRows -> {
                Map<String, List<MachineId.Mac>> macs = new HashMap<>();
                for (Row r : macRows) {
                  macs.computeIfAbsent(r.getString("machine_key"), k -> new ArrayList<>())
                      .add(new MachineId.Mac(r.getString("mac")));
                }
                List<Machine> out = new ArrayList<>(machineRows.size());
                for (Row r : machineRows) {
                  out.add(toMachine(r, macs.getOrDefault(r.getString("key"), List.of())));
                }
                return out;
              });
        }));
    return guard(f, "list a page of machines");
  }

  @Override
  public Future<Machine> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason, Instant now) {
    if (actor == null || actor.isBlank()) {
      return Future.failedFuture(missingActor());
    }
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = inTransaction(conn -> require(conn, id)
        .compose(current -> {
          checkExpected(current, expectedVersion);
          Machine next = Lifecycle.apply(current, to, at);
          return updateMachine(conn, current, next)
              .compose(v -> insertHistory(conn, new HistoryEntry(next.key(), next.version(),
                  Optional.of(current.state()), to, actor, reason == null ? "" : reason, at)))
              .compose(v -> announce(conn, next, ChangeFeed.machine(next)));
        }));
    return guard(f, "transition of machine " + id);
  }

  @Override
  public Future<Machine> markWipeServed(String machineKey, long expectedVersion, Instant now) {
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = inTransaction(conn -> query(conn, "SELECT " + MACHINE_COLUMNS
        + " FROM machines m WHERE m.key = #{key}", Map.of("key", machineKey))
        .compose(rows -> one(conn, rows))
        .compose(found -> {
          Machine current = found.orElseThrow(
              () -> new NotFoundException("no machine with key " + machineKey));
          checkExpected(current, OptionalLong.of(expectedVersion));
          Machine next = current.toBuilder().wipeServed(true).version(current.version() + 1)
              .updatedAt(at).build();
          return updateMachine(conn, current, next)
              .compose(v -> announce(conn, next, ChangeFeed.machine(next)));
        }));
    return guard(f, "wipe record of machine " + machineKey);
  }

  @Override
  public Future<Machine> setProfile(MachineId id, String profile, OptionalLong expectedVersion,
      Instant now) {
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = inTransaction(conn -> require(conn, id)
        .compose(current -> {
          checkExpected(current, expectedVersion);
          return requireProfile(conn, profile, current.tenant())
              .compose(v -> {
                Machine next = current.toBuilder().profile(profile)
                    .version(current.version() + 1).updatedAt(at).build();
                return updateMachine(conn, current, next)
                    .compose(updated -> announce(conn, next, ChangeFeed.machine(next)));
              });
        }));
    return guard(f, "profile change of machine " + id);
  }

  @Override
  public Future<List<HistoryEntry>> history(MachineId id) {
    Future<List<HistoryEntry>> f = pool.withConnection(conn -> require(conn, id)
        .compose(m -> query(conn, "SELECT machine_key, version, from_state, to_state, actor,"
            + " reason, at FROM history WHERE machine_key = #{key} ORDER BY version",
            Map.of("key", m.key())))
        .map(rows -> {
          List<HistoryEntry> out = new ArrayList<>();
          for (Row r : rows) {
            String from = r.getString("from_state");
            out.add(new HistoryEntry(r.getString("machine_key"), r.getLong("version"),
                from == null ? Optional.empty() : Optional.of(MachineState.parse(from)),
                MachineState.parse(r.getString("to_state")), r.getString("actor"),
                r.getString("reason"), Instant.ofEpochMilli(r.getLong("at"))));
          }
          return out;
        }));
    return guard(f, "history");
  }

  private static void checkExpected(Machine current, OptionalLong expectedVersion) {
    if (expectedVersion.isPresent() && expectedVersion.getAsLong() != current.version()) {
      throw new ConflictException("machine " + current.displayId() + " is at version "
          + current.version() + ", not the expected " + expectedVersion.getAsLong()
          + "; re-read and retry");
    }
  }

  private static Future<Void> updateMachine(SqlConnection conn, Machine current, Machine next) {
    Map<String, Object> p = machineParams(next);
    p.put("expected", current.version());
    return update(conn, "UPDATE machines SET profile = #{profile}, state = #{state},"
        + " version = #{version}, wipe_served = #{wipe_served}, updated_at = #{updated_at}"
        + " WHERE key = #{key} AND version = #{expected}", p)
        .compose(rowCount -> rowCount == 1 ? Future.succeededFuture()
            : Future.failedFuture(new ConflictException("machine " + current.displayId()
                + " was changed concurrently (version " + current.version()
                + "); re-read and retry")));
  }

  private static Future<Void> insertHistory(SqlConnection conn, HistoryEntry h) {
    Map<String, Object> p = new HashMap<>();
    p.put("key", h.machineKey());
    p.put("version", h.version());
    p.put("from", h.from().map(MachineState::wireName).orElse(null));
    p.put("to", h.to().wireName());
    p.put("actor", h.actor());
    p.put("reason", h.reason());
    p.put("at", h.at().toEpochMilli());
    return update(conn, "INSERT INTO history (machine_key, version, from_state, to_state, actor,"
        + " reason, at) VALUES (#{key}, #{version}, #{from}, #{to}, #{actor}, #{reason}, #{at})", p)
        .mapEmpty();
  }

  /** The machine named by {@code id}, or a failed future with NotFoundException. */
  private static Future<Machine> require(SqlConnection conn, MachineId id) {
    return find(conn, id).map(m -> m.orElseThrow(
        () -> new NotFoundException("machine " + id + " is not enrolled")));
  }

  private static Future<Optional<Machine>> find(SqlConnection conn, MachineId id) {
    Future<RowSet<Row>> rows = switch (id) {
      case MachineId.Uuid u -> query(conn, "SELECT " + MACHINE_COLUMNS
          + " FROM machines m WHERE m.uuid = #{uuid}", Map.of("uuid", u.value()));
      case MachineId.Mac mac -> query(conn, "SELECT " + MACHINE_COLUMNS
          + " FROM machines m JOIN machine_macs mm ON mm.machine_key = m.key"
          + " WHERE mm.mac = #{mac}", Map.of("mac", mac.value()));
    };
    return rows.compose(r -> one(conn, r));
  }

  /** The machine of the first row (with its MACs), or empty when there is no row. */
  private static Future<Optional<Machine>> one(SqlConnection conn, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.succeededFuture(Optional.empty());
    }
    Row row = rows.iterator().next();
    return query(conn, "SELECT mac FROM machine_macs WHERE machine_key = #{key} ORDER BY position",
        Map.of("key", row.getString("key")))
        .map(macRows -> {
          List<MachineId.Mac> macs = new ArrayList<>();
          for (Row r : macRows) {
            macs.add(new MachineId.Mac(r.getString("mac")));
          }
          return Optional.of(toMachine(row, macs));
        });
  }

  private static Machine toMachine(Row r, List<MachineId.Mac> macs) {
    String uuid = r.getString("uuid");
    return new Machine(r.getString("key"),
        uuid == null ? Optional.empty() : Optional.of(new MachineId.Uuid(uuid)), macs,
        r.getString("tenant"), Role.parse(r.getString("role")), r.getString("hostname"),
        r.getString("profile"), MachineState.parse(r.getString("state")), r.getLong("version"),
        r.getInteger("wipe_served") != 0, Instant.ofEpochMilli(r.getLong("created_at")),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }

  private static Map<String, Object> machineParams(Machine m) {
    Map<String, Object> p = new HashMap<>();
    p.put("key", m.key());
    p.put("uuid", m.uuid().map(MachineId.Uuid::value).orElse(null));
    p.put("tenant", m.tenant());
    p.put("role", m.role().wireName());
    p.put("hostname", m.hostname());
    p.put("profile", m.profile());
    p.put("state", m.state().wireName());
    p.put("version", m.version());
    p.put("wipe_served", m.wipeServed() ? 1 : 0);
    p.put("created_at", m.createdAt().toEpochMilli());
    p.put("updated_at", m.updatedAt().toEpochMilli());
    return p;
  }

  private static InvalidInputException missingActor() {
    return new InvalidInputException("actor", "missing; every change names who made it");
  }

  // ---------------------------------------------------------------- profiles

  /** Succeeds when {@code name} is null or a profile of {@code tenant}. */
  private static Future<Void> requireProfile(SqlConnection conn, String name, String tenant) {
    if (name == null) {
      return Future.succeededFuture();
    }
    return query(conn, "SELECT tenant FROM profiles WHERE name = #{name}", Map.of("name", name))
        .compose(rows -> rows.size() > 0
            && tenant.equals(rows.iterator().next().getString("tenant"))
            ? Future.succeededFuture()
            // the same answer whether it is missing or another tenant's: never reveal which
            : Future.failedFuture(new InvalidInputException("profile",
                "no profile " + MachineId.printable(name) + " for tenant " + tenant)));
  }

  @Override
  public Future<BootProfile> putProfile(BootProfile profile) {
    Instant at = profile.updatedAt() == null ? Instant.now() : profile.updatedAt();
    BootProfile stored = new BootProfile(profile.name(), profile.tenant(), profile.kernel(),
        profile.initrd(), profile.cmdline(), Instant.ofEpochMilli(at.toEpochMilli()));
    Map<String, Object> p = new HashMap<>();
    p.put("name", stored.name());
    p.put("tenant", stored.tenant());
    p.put("kernel", stored.kernel());
    p.put("initrd", stored.initrd());
    p.put("cmdline", stored.cmdline());
    p.put("updated_at", stored.updatedAt().toEpochMilli());
    // the WHERE clause keeps a profile in its tenant even against a concurrent writer
    Future<BootProfile> f = inTransaction(conn -> update(conn, "INSERT INTO profiles (name,"
        + " tenant, kernel, initrd, cmdline, updated_at) VALUES (#{name}, #{tenant}, #{kernel},"
        + " #{initrd}, #{cmdline}, #{updated_at}) ON CONFLICT (name) DO UPDATE SET"
        + " kernel = excluded.kernel, initrd = excluded.initrd, cmdline = excluded.cmdline,"
        + " updated_at = excluded.updated_at WHERE profiles.tenant = excluded.tenant", p)
        .compose(rowCount -> rowCount == 1
            ? announce(conn, stored, ChangeFeed.profile(stored.name()))
            : Future.failedFuture(new ConflictException("profile " + stored.name()
                + " belongs to another tenant; a profile cannot move between tenants"))));
    return guard(f, "profile " + stored.name() + " already exists");
  }

  @Override
  public Future<Optional<BootProfile>> profile(String name) {
    return guard(query(pool, "SELECT name, tenant, kernel, initrd, cmdline, updated_at"
        + " FROM profiles WHERE name = #{name}", Map.of("name", name))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toProfile(rows.iterator().next()))), "profile lookup");
  }

  @Override
  public Future<List<BootProfile>> profiles(Optional<String> tenant) {
    String sql = "SELECT name, tenant, kernel, initrd, cmdline, updated_at FROM profiles"
        + (tenant.isPresent() ? " WHERE tenant = #{tenant}" : "") + " ORDER BY name";
    Map<String, Object> p = tenant.<Map<String, Object>>map(t -> Map.of("tenant", t))
        .orElse(Map.of());
    return guard(query(pool, sql, p).map(rows -> mapAll(rows, SqlMachineStore::toProfile)),
        "profile list");
  }

  private static BootProfile toProfile(Row r) {
    return new BootProfile(r.getString("name"), r.getString("tenant"), r.getString("kernel"),
        r.getString("initrd"), r.getString("cmdline"),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }

  // ---------------------------------------------------------------- artifacts

  @Override
  public Future<ArtifactRecord> putArtifact(ArtifactRecord artifact) {
    Instant at = artifact.updatedAt() == null ? Instant.now() : artifact.updatedAt();
    ArtifactRecord stored = new ArtifactRecord(artifact.name(), artifact.sha256(),
        artifact.size(), Instant.ofEpochMilli(at.toEpochMilli()));
    Map<String, Object> p = Map.of("name", stored.name(), "sha256", stored.sha256(),
        "size", stored.size(), "updated_at", stored.updatedAt().toEpochMilli());
    Future<ArtifactRecord> f = inTransaction(conn -> update(conn, "INSERT INTO artifacts"
        + " (name, sha256, size, updated_at) VALUES (#{name}, #{sha256}, #{size}, #{updated_at})"
        + " ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
        + " updated_at = excluded.updated_at", p)
        .compose(v -> announce(conn, stored, ChangeFeed.artifact(stored.name()))));
    return guard(f, "artifact " + stored.name() + " already exists");
  }

  @Override
  public Future<Optional<ArtifactRecord>> artifact(String name) {
    return guard(query(pool, "SELECT name, sha256, size, updated_at FROM artifacts"
        + " WHERE name = #{name}", Map.of("name", name))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toArtifact(rows.iterator().next()))), "artifact lookup");
  }

  @Override
  public Future<List<ArtifactRecord>> artifacts() {
    return guard(query(pool, "SELECT name, sha256, size, updated_at FROM artifacts ORDER BY name",
        Map.of()).map(rows -> mapAll(rows, SqlMachineStore::toArtifact)), "artifact list");
  }

  private static ArtifactRecord toArtifact(Row r) {
    return new ArtifactRecord(r.getString("name"), r.getString("sha256"), r.getLong("size"),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * The production-prefix allocator over this store's pool and schema (migration 2). It shares the
   * pool: closing this store closes it too.
   */
  public PrefixAllocator prefixAllocator() {
    return new SqlPrefixAllocator(pool, dialect);
  }

  /**
   * Machine configs and config tokens over this store's pool and schema (migration 3). It shares
   * the pool: closing this store closes it too.
   */
  public ConfigStore configStore() {
    return new SqlConfigStore(pool, dialect);
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * On PostgreSQL, tells the other replicas (their {@link ChangeFeed}) what this transaction
   * changed; {@code pg_notify} is delivered only if the transaction commits. No-op on SQLite (one
   * process owns the file).
   */
  private <T> Future<T> announce(SqlConnection conn, T result, String change) {
    if (dialect != Dialect.POSTGRES) {
      return Future.succeededFuture(result);
    }
    return query(conn, "SELECT pg_notify('" + ChangeFeed.CHANNEL + "', #{change})",
        Map.of("change", change)).map(result);
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
   */
  private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return transaction(pool, dialect, work);
  }

  /** {@link #inTransaction} for the other SQL stores over the same pool. */
  static <T> Future<T> transaction(Pool pool, Dialect dialect, Function<SqlConnection, Future<T>> work) {
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
                .compose(result -> conn.query("COMMIT").execute().map(result))
                // also after a failed COMMIT: the connection goes back to the pool clean
                .recover(failure -> conn.query("ROLLBACK").execute()
                    .transform(rolledBack -> Future.<T>failedFuture(failure)));
          }));
    };
  }

  private static Future<RowSet<Row>> query(SqlClient client, String sql, Map<String, Object> p) {
    return SqlTemplate.forQuery(client, sql).execute(p);
  }

  /** Runs a modifying statement; the future holds the number of rows it changed. */
  private static Future<Integer> update(SqlClient client, String sql, Map<String, Object> p) {
    return SqlTemplate.forUpdate(client, sql).execute(p).map(r -> r.rowCount());
  }

  private static <T> List<T> mapAll(RowSet<Row> rows, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(f.apply(r));
    }
    return out;
  }

  /**
   * Makes every failure a domain error: domain errors pass through unchanged, a unique-constraint
   * violation (a lost race) becomes ConflictException with {@code conflict} as its message, and
   * anything else from the database becomes UnavailableException.
   */
  private <T> Future<T> guard(Future<T> f, String conflict) {
    return f.recover(e -> Future.failedFuture(translate(e, conflict)));
  }

  private NettBootException translate(Throwable e, String conflict) {
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
    if (detail.length() > 200) {
      detail = detail.substring(0, 200) + "...";
    }
    return new UnavailableException(
        "inventory database (" + dialect.name().toLowerCase() + ") failed: " + detail, e);
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
