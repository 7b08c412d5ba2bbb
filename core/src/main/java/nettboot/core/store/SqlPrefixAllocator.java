package nettboot.core.store;

import static nettboot.core.store.SqlSupport.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;

/**
 * {@link PrefixAllocator} over the inventory store's pool (tables {@code prefix_pools} and
 * {@code prefix_allocations}, migration 2), with the same SQL on SQLite and PostgreSQL.
 *
 * <p>Each call is one transaction: read the owner's row, else the used indexes, insert the lowest
 * free one. The primary key (pool, owner) and the unique (pool, idx) are the race guard: a
 * concurrent allocator that took the same index (PostgreSQL; SQLite's IMMEDIATE transactions
 * serialise anyway) makes the insert fail with a unique violation, and the call starts again in a
 * new transaction, where it sees the winner's row.
 */
final class SqlPrefixAllocator implements PrefixAllocator {
  static final int ATTEMPTS = 16;

  private final SqlSupport sql;
  private final Pool pool;

  SqlPrefixAllocator(SqlSupport sql) {
    this.sql = sql;
    this.pool = sql.pool();
  }

  @Override
  public Future<Ipv6Prefix> allocate(String poolName, Ipv6Prefix parent, int length, String owner,
      Instant now) {
    if (length < parent.length() || length > 128) {
      return Future.failedFuture(new InvalidInputException("length",
          "/" + length + " sub-prefixes do not fit in " + parent));
    }
    return retrying(() -> sql.transaction(conn ->
        requirePool(conn, poolName, parent, length, now)
            .compose(v -> ownerPrefix(conn, poolName, owner))
            .compose(held -> held.isPresent() ? Future.succeededFuture(held.get())
                : query(conn, "SELECT idx FROM prefix_allocations WHERE pool = #{pool} ORDER BY idx",
                    Map.of("pool", poolName))
                    .compose(rows -> {
                      long free = 0;
                      for (Row r : rows) {
                        long used = r.getLong("idx");
                        if (used == free) {
                          free++;
                        } else if (used > free) {
                          break;
                        }
                      }
                      if (free >= parent.count(length)) {
                        return Future.failedFuture(new ConflictException("prefix pool " + poolName
                            + " (" + parent + ") is exhausted: all " + parent.count(length) + " /"
                            + length + " prefixes are allocated; widen the pool or release one"));
                      }
                      Ipv6Prefix chosen = parent.subPrefix(length, free);
                      return insert(conn, poolName, owner, free, chosen, false, now).map(chosen);
                    }))), "allocation in pool " + poolName + " for " + owner);
  }

  @Override
  public Future<Ipv6Prefix> reserve(String poolName, Ipv6Prefix parent, Ipv6Prefix prefix,
      String owner, Instant now) {
    if (!parent.contains(prefix) || prefix.length() == parent.length()) {
      return Future.failedFuture(new InvalidInputException("prefix",
          prefix + " is not a sub-prefix of pool " + poolName + " " + parent));
    }
    long idx = parent.indexOf(prefix);
    return retrying(() -> sql.transaction(conn ->
        requirePool(conn, poolName, parent, prefix.length(), now)
            .compose(v -> ownerPrefix(conn, poolName, owner))
            .compose(held -> {
              if (held.isPresent()) {
                return held.get().equals(prefix) ? Future.succeededFuture(prefix)
                    : Future.failedFuture(new ConflictException(owner + " already holds "
                        + held.get() + " in pool " + poolName + "; release it before pinning " + prefix));
              }
              return query(conn, "SELECT owner FROM prefix_allocations WHERE pool = #{pool}"
                  + " AND idx = #{idx}", Map.of("pool", poolName, "idx", idx))
                  .compose(rows -> rows.size() > 0
                      ? Future.failedFuture(new ConflictException(prefix + " in pool " + poolName
                          + " is already held by " + rows.iterator().next().getString("owner")))
                      : insert(conn, poolName, owner, idx, prefix, true, now).map(prefix));
            })), "reservation of " + prefix + " in pool " + poolName + " for " + owner);
  }

  @Override
  public Future<Optional<Ipv6Prefix>> find(String poolName, String owner) {
    return guard(pool.withConnection(conn -> ownerPrefix(conn, poolName, owner)), "lookup");
  }

  @Override
  public Future<List<Allocation>> list(String poolName) {
    return guard(query(pool, "SELECT pool, owner, prefix, static, allocated_at FROM prefix_allocations"
        + " WHERE pool = #{pool} ORDER BY idx", Map.of("pool", poolName))
        .map(rows -> {
          List<Allocation> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Allocation(r.getString("pool"), r.getString("owner"),
                Ipv6Prefix.parse("prefix", r.getString("prefix")), r.getInteger("static") != 0,
                Instant.ofEpochMilli(r.getLong("allocated_at"))));
          }
          return out;
        }), "list");
  }

  @Override
  public Future<Boolean> release(String poolName, String owner) {
    return guard(sql.transaction(conn ->
        SqlTemplate.forUpdate(conn, "DELETE FROM prefix_allocations WHERE pool = #{pool}"
            + " AND owner = #{owner}").execute(Map.of("pool", poolName, "owner", owner))
            .map(r -> r.rowCount() > 0)), "release");
  }

  // ---------------------------------------------------------------- plumbing

  private static Future<Void> requirePool(SqlConnection conn, String name, Ipv6Prefix parent,
      int length, Instant now) {
    return query(conn, "SELECT parent, length FROM prefix_pools WHERE name = #{name}", Map.of("name", name))
        .compose(rows -> {
          if (rows.size() == 0) {
            Map<String, Object> p = new HashMap<>();
            p.put("name", name);
            p.put("parent", parent.toString());
            p.put("length", length);
            p.put("at", now.toEpochMilli());
            return SqlTemplate.forUpdate(conn, "INSERT INTO prefix_pools (name, parent, length,"
                + " created_at) VALUES (#{name}, #{parent}, #{length}, #{at})").execute(p).mapEmpty();
          }
          Row r = rows.iterator().next();
          if (!parent.toString().equals(r.getString("parent")) || r.getInteger("length") != length) {
            return Future.failedFuture(new ConflictException("prefix pool " + name + " is "
                + r.getString("parent") + " carved into /" + r.getInteger("length") + ", not "
                + parent + " into /" + length + "; a pool's shape never changes"));
          }
          return Future.succeededFuture();
        });
  }

  private static Future<Optional<Ipv6Prefix>> ownerPrefix(SqlConnection conn, String pool, String owner) {
    return query(conn, "SELECT prefix FROM prefix_allocations WHERE pool = #{pool} AND owner = #{owner}",
        Map.of("pool", pool, "owner", owner))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Ipv6Prefix.parse("prefix", rows.iterator().next().getString("prefix"))));
  }

  private static Future<Void> insert(SqlConnection conn, String pool, String owner, long idx,
      Ipv6Prefix prefix, boolean isStatic, Instant now) {
    Map<String, Object> p = new HashMap<>();
    p.put("pool", pool);
    p.put("owner", owner);
    p.put("idx", idx);
    p.put("prefix", prefix.toString());
    p.put("static", isStatic ? 1 : 0);
    p.put("at", now.toEpochMilli());
    return SqlTemplate.forUpdate(conn, "INSERT INTO prefix_allocations (pool, owner, idx, prefix,"
        + " static, allocated_at) VALUES (#{pool}, #{owner}, #{idx}, #{prefix}, #{static}, #{at})")
        .execute(p).mapEmpty();
  }

  /** Runs {@code attempt} again (a fresh transaction) after a lost race, a bounded number of times. */
  private <T> Future<T> retrying(Supplier<Future<T>> attempt, String what) {
    return guard(retry(attempt, ATTEMPTS), what);
  }

  private static <T> Future<T> retry(Supplier<Future<T>> attempt, int left) {
    return attempt.get().recover(e -> left > 1 && (SqlSupport.isUniqueViolation(e)
        || SqlSupport.isConcurrencyFailure(e)) ? retry(attempt, left - 1) : Future.failedFuture(e));
  }

  private <T> Future<T> guard(Future<T> f, String what) {
    return sql.guard(f, "prefix " + what, "prefix " + what + " kept losing races");
  }
}
