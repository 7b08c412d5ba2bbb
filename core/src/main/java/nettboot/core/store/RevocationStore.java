package nettboot.core.store;

import io.vertx.core.Future;
import java.util.List;
import nettboot.core.pki.Revocation;

/**
 * Revoked client certificates in the inventory database (table {@code revocations}, migration 7).
 * A revocation is final: there is no delete. On PostgreSQL every new revocation is announced on
 * {@link ChangeFeed#REVOCATIONS} in its own transaction, so every replica hears of it at once.
 */
public interface RevocationStore {
  /**
   * Records {@code r}; when the serial is already revoked the stored record is returned unchanged
   * (a second revocation of the same certificate changes nothing).
   */
  Future<Added> revoke(Revocation r);

  /** Every revocation, oldest first. */
  Future<List<Revocation>> all();

  /** The outcome of {@link #revoke}: the stored record, and whether this call created it. */
  record Added(Revocation revocation, boolean created) {}

  /** The revocation store over the opened database (the one {@link StoreFactory} made). */
  static RevocationStore over(Stores.Database database) {
    if (database instanceof SqlSupport sql) {
      return new SqlRevocationStore(sql);
    }
    throw new IllegalArgumentException("not an inventory database opened by StoreFactory: " + database);
  }
}
