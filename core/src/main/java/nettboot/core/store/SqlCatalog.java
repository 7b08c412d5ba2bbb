package nettboot.core.store;

import static nettboot.core.store.SqlSupport.mapAll;
import static nettboot.core.store.SqlSupport.query;
import static nettboot.core.store.SqlSupport.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nettboot.core.error.ConflictException;
import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.BootProfile;

/**
 * Boot profiles and artifact aliases on the inventory database (tables {@code profiles} and
 * {@code artifacts}): the catalog half of {@link SqlMachineStore}, which exposes it through the
 * {@link MachineStore} interface. A profile never moves between tenants.
 */
final class SqlCatalog {
  private static final String PROFILE_COLUMNS = "name, tenant, kernel, initrd, cmdline, updated_at";

  private final SqlSupport sql;

  SqlCatalog(SqlSupport sql) {
    this.sql = sql;
  }

  /**
   * Succeeds when {@code name} is null or a profile of {@code tenant}; inside the caller's
   * transaction.
   */
  static Future<Void> requireProfile(SqlConnection conn, String name, String tenant) {
    if (name == null) {
      return Future.succeededFuture();
    }
    return query(conn, "SELECT tenant FROM profiles WHERE name = #{name}", Map.of("name", name))
        .compose(rows -> rows.size() > 0
            && tenant.equals(rows.iterator().next().getString("tenant"))
            ? Future.succeededFuture()
            // the same answer whether it is missing or another tenant's: never reveal which
            : Future.failedFuture(new InvalidInputException("profile",
                "no profile " + ErrorText.printable(name) + " for tenant " + tenant)));
  }

  Future<BootProfile> putProfile(BootProfile profile) {
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
    Future<BootProfile> f = sql.transaction(conn -> update(conn, "INSERT INTO profiles (name,"
        + " tenant, kernel, initrd, cmdline, updated_at) VALUES (#{name}, #{tenant}, #{kernel},"
        + " #{initrd}, #{cmdline}, #{updated_at}) ON CONFLICT (name) DO UPDATE SET"
        + " kernel = excluded.kernel, initrd = excluded.initrd, cmdline = excluded.cmdline,"
        + " updated_at = excluded.updated_at WHERE profiles.tenant = excluded.tenant", p)
        .compose(rowCount -> rowCount == 1
            ? sql.announce(conn, stored, ChangeFeed.profile(stored.name()))
            : Future.failedFuture(new ConflictException("profile " + stored.name()
                + " belongs to another tenant; a profile cannot move between tenants"))));
    return sql.guard(f, "profile update", "profile " + stored.name() + " already exists");
  }

  Future<Optional<BootProfile>> profile(String name) {
    return sql.guard(query(sql.pool(), "SELECT " + PROFILE_COLUMNS
        + " FROM profiles WHERE name = #{name}", Map.of("name", name))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toProfile(rows.iterator().next()))), "profile lookup");
  }

  Future<List<BootProfile>> profiles(Optional<String> tenant) {
    String select = "SELECT " + PROFILE_COLUMNS + " FROM profiles"
        + (tenant.isPresent() ? " WHERE tenant = #{tenant}" : "") + " ORDER BY name";
    Map<String, Object> p = tenant.<Map<String, Object>>map(t -> Map.of("tenant", t))
        .orElse(Map.of());
    return sql.guard(query(sql.pool(), select, p).map(rows -> mapAll(rows, SqlCatalog::toProfile)),
        "profile list");
  }

  private static BootProfile toProfile(Row r) {
    return new BootProfile(r.getString("name"), r.getString("tenant"), r.getString("kernel"),
        r.getString("initrd"), r.getString("cmdline"),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }

  Future<ArtifactRecord> putArtifact(ArtifactRecord artifact) {
    Instant at = artifact.updatedAt() == null ? Instant.now() : artifact.updatedAt();
    ArtifactRecord stored = new ArtifactRecord(artifact.name(), artifact.sha256(),
        artifact.size(), Instant.ofEpochMilli(at.toEpochMilli()));
    Map<String, Object> p = Map.of("name", stored.name(), "sha256", stored.sha256(),
        "size", stored.size(), "updated_at", stored.updatedAt().toEpochMilli());
    Future<ArtifactRecord> f = sql.transaction(conn -> update(conn, "INSERT INTO artifacts"
        + " (name, sha256, size, updated_at) VALUES (#{name}, #{sha256}, #{size}, #{updated_at})"
        + " ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
        + " updated_at = excluded.updated_at", p)
        .compose(v -> sql.announce(conn, stored, ChangeFeed.artifact(stored.name()))));
    return sql.guard(f, "artifact update", "artifact " + stored.name() + " already exists");
  }

  Future<Optional<ArtifactRecord>> artifact(String name) {
    return sql.guard(query(sql.pool(), "SELECT name, sha256, size, updated_at FROM artifacts"
        + " WHERE name = #{name}", Map.of("name", name))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(toArtifact(rows.iterator().next()))), "artifact lookup");
  }

  Future<List<ArtifactRecord>> artifacts() {
    return sql.guard(query(sql.pool(), "SELECT name, sha256, size, updated_at FROM artifacts"
        + " ORDER BY name", Map.of()).map(rows -> mapAll(rows, SqlCatalog::toArtifact)),
        "artifact list");
  }

  private static ArtifactRecord toArtifact(Row r) {
    return new ArtifactRecord(r.getString("name"), r.getString("sha256"), r.getLong("size"),
        Instant.ofEpochMilli(r.getLong("updated_at")));
  }
}
