package nettboot.core.store;

import static nettboot.core.store.SqlSupport.query;
import static nettboot.core.store.SqlSupport.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import nettboot.core.pki.Revocation;
import nettboot.core.pki.RevocationReason;

/** {@link RevocationStore} on the inventory database (SQLite or PostgreSQL, same SQL). */
final class SqlRevocationStore implements RevocationStore {
  private static final String COLUMNS = "serial, tenant, reason, revoked_at, actor";
  private final SqlSupport sql;

  SqlRevocationStore(SqlSupport sql) {
    this.sql = sql;
  }

  @Override
  public Future<Added> revoke(Revocation r) {
    Map<String, Object> p = new HashMap<>();
    p.put("serial", r.serial());
    p.put("tenant", r.tenant());
    p.put("reason", r.reason().wireName());
    p.put("at", r.revokedAt().toEpochMilli());
    p.put("actor", r.actor());
    return sql.guard(sql.transaction(conn ->
        query(conn, "SELECT " + COLUMNS + " FROM revocations WHERE serial = #{serial}", p)
            .compose(rows -> {
              for (Row row : rows) {
                return Future.succeededFuture(new Added(revocation(row), false));
              }
              return update(conn, "INSERT INTO revocations (" + COLUMNS + ") VALUES (#{serial},"
                  + " #{tenant}, #{reason}, #{at}, #{actor})", p)
                  .compose(n -> sql.announce(conn, new Added(r, true), ChangeFeed.REVOCATIONS,
                      ChangeFeed.revocation(r)));
            })), "record the revocation");
  }

  @Override
  public Future<List<Revocation>> all() {
    return sql.guard(query(sql.pool(), "SELECT " + COLUMNS + " FROM revocations"
            + " ORDER BY revoked_at, serial", Map.of())
        .map(rows -> SqlSupport.mapAll(rows, SqlRevocationStore::revocation)), "list revocations");
  }

  private static Revocation revocation(Row r) {
    return new Revocation(r.getString("serial"), r.getString("tenant"),
        RevocationReason.parse(r.getString("reason")), Instant.ofEpochMilli(r.getLong("revoked_at")),
        r.getString("actor"));
  }
}
