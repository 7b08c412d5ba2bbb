package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import nettboot.core.machine.MachineEvent;
import nettboot.core.power.BmcRecord;
import nettboot.core.power.TenantSettings;

/**
 * What the server needs to drive machines and to be followed: each machine's BMC, each tenant's
 * lifecycle settings, the event feed over the history, and the stored answers of idempotent admin
 * requests. Failed futures carry domain errors only.
 */
public interface ControlStore {

  /** Creates or replaces the machine's BMC record. */
  Future<BmcRecord> putBmc(BmcRecord bmc);

  Future<Optional<BmcRecord>> bmc(String machineKey);

  /** Creates or replaces a tenant's settings; every named profile must be the tenant's own. */
  Future<TenantSettings> putTenantSettings(TenantSettings settings);

  /** The tenant's settings, {@link TenantSettings#none} when never set. */
  Future<TenantSettings> tenantSettings(String tenant);

  /**
   * History rows with a feed id above {@code after}, oldest first, at most {@code limit}; only
   * those of {@code tenants} when given.
   */
  Future<List<MachineEvent>> events(long after, int limit, Optional<Set<String>> tenants);

  /** A stored answer to an idempotent request. */
  record StoredAnswer(String requestSha256, int status, String body) {}

  Future<Optional<StoredAnswer>> answer(String subject, String key);

  /**
   * Stores the answer unless one is stored already; returns the one that is kept (this one, or
   * the first, when a concurrent retry stored its answer first).
   */
  Future<StoredAnswer> remember(String subject, String key, StoredAnswer answer, Instant now);
}
