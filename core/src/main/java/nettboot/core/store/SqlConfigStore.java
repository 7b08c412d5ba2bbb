package nettboot.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nettboot.core.error.ConflictException;

/**
 * {@link ConfigStore} on the inventory database (SQLite or PostgreSQL, same SQL; tables
 * {@code machine_configs} and {@code config_tokens}, migrations 3 and 4).
 */
final class SqlConfigStore implements ConfigStore {
  private final SqlSupport sql;
  private final Pool pool;

  SqlConfigStore(SqlSupport sql) {
    this.sql = sql;
    this.pool = sql.pool();
  }

  @Override
  public Future<StoredConfig> putConfig(StoredConfig c) {
    Map<String, Object> p = new HashMap<>();
    p.put("key", c.machineKey());
    p.put("body", c.body());
    p.put("sha", c.sha256());
    p.put("at", c.updatedAt().toEpochMilli());
    return sql.guard(sql.transaction(conn ->
        SqlTemplate.forUpdate(conn, "DELETE FROM machine_configs WHERE machine_key = #{key}").execute(p)
            .compose(x -> SqlTemplate.forUpdate(conn, "INSERT INTO machine_configs (machine_key, body,"
                + " sha256, updated_at) VALUES (#{key}, #{body}, #{sha}, #{at})").execute(p))
            .map(x -> c)), "store the machine config");
  }

  @Override
  public Future<Optional<StoredConfig>> config(String machineKey) {
    return sql.guard(SqlTemplate.forQuery(pool, "SELECT machine_key, body, sha256, updated_at"
            + " FROM machine_configs WHERE machine_key = #{key}").execute(Map.of("key", machineKey))
        .map(rows -> {
          for (Row r : rows) {
            return Optional.of(new StoredConfig(r.getString("machine_key"), r.getString("body"),
                r.getString("sha256"), Instant.ofEpochMilli(r.getLong("updated_at"))));
          }
          return Optional.<StoredConfig>empty();
        }), "read the machine config");
  }

  @Override
  public Future<Void> putToken(TokenRecord t, long machineVersion) {
    Map<String, Object> p = new HashMap<>();
    p.put("hash", t.tokenHash());
    p.put("key", t.machineKey());
    p.put("tenant", t.tenant());
    p.put("boot", t.bootId());
    p.put("created", t.createdAt().toEpochMilli());
    p.put("expires", t.expiresAt().toEpochMilli());
    // PostgreSQL: the machine's row is locked until commit, so a transition waits for this mint
    // and then revokes the token with the rest. SQLite: the transaction holds the write lock.
    String lock = sql.dialect() == SqlSupport.Dialect.POSTGRES ? " FOR UPDATE" : "";
    return sql.guard(sql.transaction(conn ->
        SqlSupport.query(conn, "SELECT version FROM machines WHERE key = #{key}" + lock, p)
            .compose(rows -> {
              Long current = null;
              for (Row r : rows) {
                current = r.getLong("version");
              }
              if (current == null || current != machineVersion) {
                return Future.failedFuture(new ConflictException("machine " + t.machineKey()
                    + " changed after its boot was decided (version " + machineVersion + " -> "
                    + current + "): no token is minted for a state it has left"));
              }
              // One live token per machine: the newest boot's (older boots' tokens die here).
              // The same hash again is not one of them: its insert fails as a lost race.
              return SqlTemplate.forUpdate(conn, "DELETE FROM config_tokens WHERE machine_key = #{key}"
                  + " AND token_hash <> #{hash}").execute(p);
            })
            .compose(x -> SqlTemplate.forUpdate(conn, "INSERT INTO config_tokens (token_hash,"
                + " machine_key, tenant, boot_id, created_at, expires_at) VALUES (#{hash}, #{key},"
                + " #{tenant}, #{boot}, #{created}, #{expires})").execute(p))
            .<Void>mapEmpty()), "store the config token");
  }

  @Override
  public Future<Optional<TokenRecord>> token(String tokenHash) {
    return sql.guard(SqlTemplate.forQuery(pool, "SELECT token_hash, machine_key, tenant, boot_id,"
            + " created_at, expires_at FROM config_tokens WHERE token_hash = #{hash}")
        .execute(Map.of("hash", tokenHash))
        .map(rows -> {
          for (Row r : rows) {
            return Optional.of(new TokenRecord(r.getString("token_hash"), r.getString("machine_key"),
                r.getString("tenant"), r.getString("boot_id"),
                Instant.ofEpochMilli(r.getLong("created_at")),
                Instant.ofEpochMilli(r.getLong("expires_at"))));
          }
          return Optional.<TokenRecord>empty();
        }), "read the config token");
  }

  @Override
  public Future<Void> recordFetch(String tokenHash, String machineId, String address, Instant at) {
    Map<String, Object> p = new HashMap<>();
    p.put("hash", tokenHash);
    p.put("id", machineId);
    p.put("addr", address);
    p.put("at", at.toEpochMilli());
    return sql.guard(SqlTemplate.forUpdate(pool, "UPDATE config_tokens SET fetched_from = #{addr},"
            + " fetched_at = #{at}, fetched_id = #{id} WHERE token_hash = #{hash}").execute(p)
        .<Void>mapEmpty(), "record the config fetch");
  }

  @Override
  public Future<List<Fetch>> fetchesFrom(String address, Instant now) {
    return sql.guard(SqlTemplate.forQuery(pool, "SELECT machine_key, tenant, boot_id, fetched_id,"
            + " fetched_from, fetched_at, expires_at FROM config_tokens WHERE fetched_from = #{addr}"
            + " AND expires_at > #{now} ORDER BY fetched_at DESC")
        .execute(Map.of("addr", address, "now", now.toEpochMilli()))
        .map(rows -> {
          List<Fetch> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Fetch(r.getString("machine_key"), r.getString("tenant"), r.getString("boot_id"),
                r.getString("fetched_id"), r.getString("fetched_from"),
                Instant.ofEpochMilli(r.getLong("fetched_at")), Instant.ofEpochMilli(r.getLong("expires_at"))));
          }
          return out;
        }), "look up config fetches by address");
  }

  @Override
  public Future<Integer> revokeTokens(String machineKey) {
    return sql.guard(SqlTemplate.forUpdate(pool, "DELETE FROM config_tokens WHERE machine_key = #{key}")
        .execute(Map.of("key", machineKey)).map(r -> r.rowCount()), "revoke config tokens");
  }
}
