package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nettboot.core.fabric.Ipv6Prefix;

/**
 * Hands out sub-prefixes of a parent prefix (a pool), persistently: each owner (a node name) gets
 * one sub-prefix per pool, the same one on every later call, and no sub-prefix is ever held by two
 * owners, even when several processes or replicas allocate at once.
 *
 * <p>Failed futures carry domain errors only: {@code ConflictException} (the pool is exhausted;
 * a pool name reused with another parent or length; a static prefix already held by another
 * owner), {@code InvalidInputException} (a sub-prefix outside the pool) and
 * {@code UnavailableException}.
 */
public interface PrefixAllocator {

  /** One allocation: {@code owner} holds {@code prefix} in {@code pool}. */
  record Allocation(String pool, String owner, Ipv6Prefix prefix, boolean isStatic, Instant at) {}

  /**
   * The owner's sub-prefix of {@code length} bits in {@code pool} (whose parent is {@code parent}):
   * the one it already holds, otherwise the lowest free one. Idempotent. The pool is created on
   * first use; later calls must name the same parent and length.
   */
  Future<Ipv6Prefix> allocate(String pool, Ipv6Prefix parent, int length, String owner, Instant now);

  /**
   * Records a prefix chosen by the operator (a static node prefix inside the pool), so that the
   * pool never hands it to anyone else. Idempotent for the same owner and prefix; a conflict when
   * another owner holds it, or when the owner already holds a different prefix in the pool.
   */
  Future<Ipv6Prefix> reserve(String pool, Ipv6Prefix parent, Ipv6Prefix prefix, String owner, Instant now);

  /** The owner's current sub-prefix in the pool, if any. */
  Future<Optional<Ipv6Prefix>> find(String pool, String owner);

  /** Every allocation of the pool, in prefix order. */
  Future<List<Allocation>> list(String pool);

  /** Gives the owner's sub-prefix back to the pool; false when it held none. */
  Future<Boolean> release(String pool, String owner);
}
