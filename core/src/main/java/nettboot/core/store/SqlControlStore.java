package nettboot.core.store;

import static nettboot.core.store.SqlSupport.query;
import static nettboot.core.store.SqlSupport.update;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.MachineEvent;
import nettboot.core.machine.MachineState;
import nettboot.core.power.BmcRecord;
import nettboot.core.power.CredentialRef;
import nettboot.core.power.TenantSettings;

/** {@link ControlStore} over the shared SQL pool (same SQL on SQLite and PostgreSQL). */
final class SqlControlStore implements ControlStore {
  /** Most events one read returns. */
  static final int MAX_EVENTS = 1000;

  private final SqlSupport sql;

  SqlControlStore(SqlSupport sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  @Override
  public Future<BmcRecord> putBmc(BmcRecord bmc) {
    Map<String, Object> p = new HashMap<>();
    p.put("key", bmc.machineKey());
    p.put("url", bmc.url().toString());
    p.put("cert", bmc.certificatePem());
    p.put("user", bmc.user());
    p.put("cred", bmc.credential().render());
    p.put("at", bmc.updatedAt().toEpochMilli());
    Future<BmcRecord> f = sql.transaction(conn -> update(conn, "INSERT INTO machine_bmcs (machine_key,"
        + " url, certificate, bmc_user, credential, updated_at) VALUES (#{key}, #{url}, #{cert},"
        + " #{user}, #{cred}, #{at}) ON CONFLICT (machine_key) DO UPDATE SET url = #{url},"
        + " certificate = #{cert}, bmc_user = #{user}, credential = #{cred}, updated_at = #{at}", p)
        .map(n -> bmc));
    return sql.guard(f, "BMC record");
  }

  @Override
  public Future<Optional<BmcRecord>> bmc(String machineKey) {
    Future<Optional<BmcRecord>> f = sql.pool().withConnection(conn -> query(conn,
        "SELECT machine_key, url, certificate, bmc_user, credential, updated_at FROM machine_bmcs"
            + " WHERE machine_key = #{key}", Map.of("key", machineKey))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<BmcRecord>empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new BmcRecord(r.getString("machine_key"), URI.create(r.getString("url")),
              r.getString("certificate"), r.getString("bmc_user"),
              CredentialRef.parse(r.getString("credential")),
              Instant.ofEpochMilli(r.getLong("updated_at"))));
        }));
    return sql.guard(f, "BMC lookup");
  }

  @Override
  public Future<TenantSettings> putTenantSettings(TenantSettings s) {
    Map<String, Object> p = new HashMap<>();
    p.put("tenant", s.tenant());
    p.put("rescue", s.rescueProfile().orElse(null));
    p.put("erase", s.eraseProfile().orElse(null));
    p.put("media", s.mediaUrl().map(URI::toString).orElse(null));
    p.put("at", s.updatedAt().toEpochMilli());
    Future<TenantSettings> f = sql.transaction(conn -> requireProfile(conn, "rescueProfile",
            s.rescueProfile(), s.tenant())
        .compose(v -> requireProfile(conn, "eraseProfile", s.eraseProfile(), s.tenant()))
        .compose(v -> update(conn, "INSERT INTO tenant_settings (tenant, rescue_profile,"
            + " erase_profile, media_url, updated_at) VALUES (#{tenant}, #{rescue}, #{erase},"
            + " #{media}, #{at}) ON CONFLICT (tenant) DO UPDATE SET rescue_profile = #{rescue},"
            + " erase_profile = #{erase}, media_url = #{media}, updated_at = #{at}", p))
        .map(n -> s));
    return sql.guard(f, "tenant settings");
  }

  private static Future<Void> requireProfile(io.vertx.sqlclient.SqlConnection conn, String field,
      Optional<String> profile, String tenant) {
    if (profile.isEmpty()) {
      return Future.succeededFuture();
    }
    return SqlCatalog.requireProfile(conn, profile.get(), tenant).recover(e -> Future.failedFuture(
        e instanceof InvalidInputException ? new InvalidInputException(field,
            "no profile " + profile.get() + " for tenant " + tenant) : e));
  }

  @Override
  public Future<TenantSettings> tenantSettings(String tenant) {
    Future<TenantSettings> f = sql.pool().withConnection(conn -> query(conn,
        "SELECT rescue_profile, erase_profile, media_url, updated_at FROM tenant_settings"
            + " WHERE tenant = #{tenant}", Map.of("tenant", tenant))
        .map(rows -> {
          if (rows.size() == 0) {
            return TenantSettings.none(tenant);
          }
          Row r = rows.iterator().next();
          return new TenantSettings(tenant, Optional.ofNullable(r.getString("rescue_profile")),
              Optional.ofNullable(r.getString("erase_profile")),
              Optional.ofNullable(r.getString("media_url")).map(URI::create),
              Instant.ofEpochMilli(r.getLong("updated_at")));
        }));
    return sql.guard(f, "tenant settings lookup");
  }

  @Override
  public Future<List<MachineEvent>> events(long after, int limit, Optional<Set<String>> tenants) {
    if (limit < 1 || limit > MAX_EVENTS) {
      return Future.failedFuture(new InvalidInputException("limit", "must be 1.." + MAX_EVENTS));
    }
    Map<String, Object> p = new HashMap<>();
    p.put("after", after);
    p.put("limit", limit);
    StringBuilder where = new StringBuilder("e.id > #{after}");
    if (tenants.isPresent()) {
      if (tenants.get().isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      where.append(" AND e.tenant IN (");
      int i = 0;
      for (String t : tenants.get()) {
        where.append(i == 0 ? "" : ", ").append("#{t").append(i).append('}');
        p.put("t" + i, t);
        i++;
      }
      where.append(')');
    }
    Future<List<MachineEvent>> f = sql.pool().withConnection(conn -> query(conn,
        "SELECT e.id, e.tenant, h.machine_key, h.version, h.from_state, h.to_state, h.actor,"
            + " h.reason, h.at, COALESCE(m.uuid, (SELECT mm.mac FROM machine_macs mm"
            + " WHERE mm.machine_key = m.key ORDER BY mm.position LIMIT 1)) AS public_id"
            + " FROM events e JOIN history h ON h.machine_key = e.machine_key"
            + " AND h.version = e.version JOIN machines m ON m.key = e.machine_key"
            + " WHERE " + where + " ORDER BY e.id LIMIT #{limit}", p)
        .map(rows -> {
          List<MachineEvent> out = new ArrayList<>();
          for (Row r : rows) {
            String from = r.getString("from_state");
            HistoryEntry h = new HistoryEntry(r.getString("machine_key"), r.getLong("version"),
                from == null ? Optional.empty() : Optional.of(MachineState.parse(from)),
                MachineState.parse(r.getString("to_state")), r.getString("actor"),
                r.getString("reason"), Instant.ofEpochMilli(r.getLong("at")));
            String publicId = r.getString("public_id");
            out.add(new MachineEvent(r.getLong("id"), publicId == null ? h.machineKey() : publicId,
                r.getString("tenant"), h));
          }
          return out;
        }));
    return sql.guard(f, "event feed");
  }

  @Override
  public Future<Optional<StoredAnswer>> answer(String subject, String key) {
    Future<Optional<StoredAnswer>> f = sql.pool().withConnection(conn -> query(conn,
        "SELECT request_sha256, status, body FROM idempotent_requests WHERE subject = #{subject}"
            + " AND request_key = #{key}", Map.of("subject", subject, "key", key))
        .map(rows -> rows.size() == 0 ? Optional.<StoredAnswer>empty() : Optional.of(toAnswer(
            rows.iterator().next()))));
    return sql.guard(f, "idempotency lookup");
  }

  @Override
  public Future<StoredAnswer> remember(String subject, String key, StoredAnswer a, Instant now) {
    Map<String, Object> p = new HashMap<>();
    p.put("subject", subject);
    p.put("key", key);
    p.put("sha", a.requestSha256());
    p.put("status", a.status());
    p.put("body", a.body());
    p.put("at", now.toEpochMilli());
    Future<StoredAnswer> f = sql.transaction(conn -> update(conn, "INSERT INTO idempotent_requests"
            + " (subject, request_key, request_sha256, status, body, at) VALUES (#{subject}, #{key},"
            + " #{sha}, #{status}, #{body}, #{at}) ON CONFLICT (subject, request_key) DO NOTHING", p)
        .compose(n -> query(conn, "SELECT request_sha256, status, body FROM idempotent_requests"
            + " WHERE subject = #{subject} AND request_key = #{key}", p))
        .map(rows -> toAnswer(rows.iterator().next())));
    return sql.guard(f, "idempotency record");
  }

  private static StoredAnswer toAnswer(Row r) {
    return new StoredAnswer(r.getString("request_sha256"), r.getInteger("status"), r.getString("body"));
  }
}
