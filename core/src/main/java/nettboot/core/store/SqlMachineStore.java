package nettboot.core.store;

import static nettboot.core.store.SqlSupport.query;
import static nettboot.core.store.SqlSupport.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
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
 * PostgreSQL (pg client): machines and their history here, boot profiles and artifact aliases in
 * {@link SqlCatalog}, transactions and error translation in {@link SqlSupport}. Queries are
 * {@link SqlTemplate}s with {@code #{name}} parameters.
 *
 * <p>Concurrency: lifecycle and profile changes are optimistic ({@code UPDATE ... WHERE version =
 * #{version}}); uniqueness of UUIDs and MACs is checked first for a precise message and enforced by
 * the schema as the race guard. On SQLite every transaction begins IMMEDIATE, so writers serialise
 * on the database's write lock.
 */
final class SqlMachineStore implements MachineStore {

  private static final String MACHINE_COLUMNS = "m.key, m.uuid, m.tenant, m.role, m.hostname,"
      + " m.profile, m.state, m.version, m.wipe_served, m.created_at, m.updated_at";

  private final SqlSupport sql;
  private final SqlCatalog catalog;

  SqlMachineStore(SqlSupport sql, SqlCatalog catalog) {
    this.sql = Objects.requireNonNull(sql, "sql");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  public Future<Void> ping() {
    return sql.ping();
  }

  // ---------------------------------------------------------------- machines

  @Override
  public Future<Machine> enroll(Enrollment e, String actor, Instant now) {
    if (actor == null || actor.isBlank()) {
      return Future.failedFuture(missingActor());
    }
    long at = now.toEpochMilli();
    Machine machine = new Machine(UUID.randomUUID().toString(), e.uuid(), e.macs(),
        e.tenant(), e.role(), e.hostname(), e.profile(), MachineState.NEW, 1, false,
        Instant.ofEpochMilli(at), Instant.ofEpochMilli(at));
    String ids = e.uuid().map(u -> "UUID " + u).orElse("")
        + (e.uuid().isPresent() && !e.macs().isEmpty() ? " or " : "")
        + (e.macs().isEmpty() ? "" : "MACs " + e.macs());
    Future<Machine> f = sql.transaction(conn -> SqlCatalog.requireProfile(conn, e.profile(), e.tenant())
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
            Optional.empty(), MachineState.NEW, actor, "enrolled", machine.createdAt()),
            machine.tenant()))
        .compose(v -> sql.announce(conn, machine, ChangeFeed.machine(machine))));
    return sql.guard(f, "enrolment", "enrolment of " + ids + " conflicts with an enrolled machine");
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
    return sql.guard(sql.pool().withConnection(conn -> find(conn, id)), "machine lookup");
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
    Future<List<Machine>> f = sql.pool().withConnection(conn -> query(conn,
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
    return sql.guard(f, "machine list");
  }

  @Override
  public Future<List<Machine>> page(String afterKey, int limit) {
    if (limit < 1) {
      return Future.failedFuture(new InvalidInputException("limit", "must be positive"));
    }
    Future<List<Machine>> f = sql.pool().withConnection(conn -> query(conn, "SELECT " + MACHINE_COLUMNS
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
    return sql.guard(f, "machine page");
  }

  @Override
  public Future<Machine> transition(MachineId id, MachineState to, OptionalLong expectedVersion,
      String actor, String reason, Instant now) {
    if (actor == null || actor.isBlank()) {
      return Future.failedFuture(missingActor());
    }
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = sql.transaction(conn -> require(conn, id)
        .compose(current -> {
          checkExpected(current, expectedVersion);
          Machine next = Lifecycle.apply(current, to, at);
          return updateMachine(conn, current, next)
              .compose(v -> insertHistory(conn, new HistoryEntry(next.key(), next.version(),
                  Optional.of(current.state()), to, actor, reason == null ? "" : reason, at),
                  next.tenant()))
              // The machine leaves the state its tokens were minted in: they die with it.
              .compose(v -> update(conn, "DELETE FROM config_tokens WHERE machine_key = #{key}",
                  Map.of("key", next.key())))
              .compose(v -> sql.announce(conn, next, ChangeFeed.machine(next)));
        }));
    return sql.guard(f, "transition of machine " + id);
  }

  @Override
  public Future<Machine> markWipeServed(String machineKey, long expectedVersion, Instant now) {
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = sql.transaction(conn -> query(conn, "SELECT " + MACHINE_COLUMNS
        + " FROM machines m WHERE m.key = #{key}", Map.of("key", machineKey))
        .compose(rows -> one(conn, rows))
        .compose(found -> {
          Machine current = found.orElseThrow(
              () -> new NotFoundException("no machine with key " + machineKey));
          checkExpected(current, OptionalLong.of(expectedVersion));
          Machine next = current.toBuilder().wipeServed(true).version(current.version() + 1)
              .updatedAt(at).build();
          return updateMachine(conn, current, next)
              .compose(v -> sql.announce(conn, next, ChangeFeed.machine(next)));
        }));
    return sql.guard(f, "wipe record of machine " + machineKey);
  }

  @Override
  public Future<Machine> setProfile(MachineId id, String profile, OptionalLong expectedVersion,
      Instant now) {
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = sql.transaction(conn -> require(conn, id)
        .compose(current -> {
          checkExpected(current, expectedVersion);
          return SqlCatalog.requireProfile(conn, profile, current.tenant())
              .compose(v -> {
                Machine next = current.toBuilder().profile(profile)
                    .version(current.version() + 1).updatedAt(at).build();
                return updateMachine(conn, current, next)
                    .compose(updated -> sql.announce(conn, next, ChangeFeed.machine(next)));
              });
        }));
    return sql.guard(f, "profile change of machine " + id);
  }

  @Override
  public Future<List<HistoryEntry>> history(MachineId id) {
    Future<List<HistoryEntry>> f = sql.pool().withConnection(conn -> require(conn, id)
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
    return sql.guard(f, "history lookup");
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

  @Override
  public Future<Machine> note(MachineId id, String actor, String reason, Instant now) {
    if (actor == null || actor.isBlank()) {
      return Future.failedFuture(missingActor());
    }
    Instant at = Instant.ofEpochMilli(now.toEpochMilli());
    Future<Machine> f = sql.transaction(conn -> require(conn, id)
        .compose(current -> {
          Machine next = current.toBuilder().version(current.version() + 1).updatedAt(at).build();
          return updateMachine(conn, current, next)
              .compose(v -> insertHistory(conn, new HistoryEntry(next.key(), next.version(),
                  Optional.of(current.state()), current.state(), actor, reason, at), next.tenant()))
              .compose(v -> sql.announce(conn, next, ChangeFeed.machine(next)));
        }));
    return sql.guard(f, "history note of machine " + id);
  }

  /** Key of the PostgreSQL advisory lock that orders event ids with commits. */
  private static final long EVENT_LOCK = 0x6e65747465L;

  /**
   * Appends the history row and its event-feed row. The feed id is the next after the highest,
   * assigned under the write lock (SQLite: the transaction's; PostgreSQL: an advisory lock held to
   * commit), so ids become visible in increasing order without gaps and a follower that resumes
   * after the last id it saw misses nothing.
   */
  private Future<Void> insertHistory(SqlConnection conn, HistoryEntry h, String tenant) {
    Future<Void> locked = sql.dialect() == SqlSupport.Dialect.POSTGRES
        ? conn.query("SELECT pg_advisory_xact_lock(" + EVENT_LOCK + ")").execute().mapEmpty()
        : Future.succeededFuture();
    return locked.compose(v -> insertHistoryRow(conn, h))
        .compose(v -> update(conn, "INSERT INTO events (id, machine_key, version, tenant)"
            + " SELECT COALESCE(MAX(id), 0) + 1, #{key}, #{version}, #{tenant} FROM events",
            Map.of("key", h.machineKey(), "version", h.version(), "tenant", tenant)))
        .mapEmpty();
  }

  private static Future<Void> insertHistoryRow(SqlConnection conn, HistoryEntry h) {
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

  // ---------------------------------------------------------------- catalog (SqlCatalog)

  @Override
  public Future<BootProfile> putProfile(BootProfile profile) {
    return catalog.putProfile(profile);
  }

  @Override
  public Future<Optional<BootProfile>> profile(String name) {
    return catalog.profile(name);
  }

  @Override
  public Future<List<BootProfile>> profiles(Optional<String> tenant) {
    return catalog.profiles(tenant);
  }

  @Override
  public Future<ArtifactRecord> putArtifact(ArtifactRecord artifact) {
    return catalog.putArtifact(artifact);
  }

  @Override
  public Future<Optional<ArtifactRecord>> artifact(String name) {
    return catalog.artifact(name);
  }

  @Override
  public Future<List<ArtifactRecord>> artifacts() {
    return catalog.artifacts();
  }
}
