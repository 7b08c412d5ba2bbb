package nettboot.core.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Talos machine configs (one per machine, uploaded by the operator) and the per-boot capability
 * tokens that authorise Talos to fetch them from the config listener (Talos cannot present a
 * client certificate). Only token hashes are stored.
 */
public interface ConfigStore {

  /** A machine's config. */
  record StoredConfig(String machineKey, String body, String sha256, Instant updatedAt) {}

  /** A minted token, by hash: bound to one machine, its tenant and one boot. */
  record TokenRecord(String tokenHash, String machineKey, String tenant, String bootId,
      Instant createdAt, Instant expiresAt) {}

  /** Creates or replaces the machine's config. */
  Future<StoredConfig> putConfig(StoredConfig config);

  Future<Optional<StoredConfig>> config(String machineKey);

  /**
   * Stores a token (its hash) and, in the same transaction, revokes every other token of the same
   * machine: a machine has at most one live token, its latest install boot's. The token is minted
   * for the machine as the boot decision saw it: the transaction first checks (holding the
   * machine's row) that the machine is still at {@code machineVersion}; when a transition or any
   * other change came in between, nothing is stored and the future fails with a
   * {@link nettboot.core.error.ConflictException} (the boot is decided again), so a token can never
   * outlive the state it was minted in by being stored after the transition that revoked its boot.
   */
  Future<Void> putToken(TokenRecord token, long machineVersion);

  Future<Optional<TokenRecord>> token(String tokenHash);

  /**
   * A token that was redeemed: the config of {@code machineId} (its UUID or MAC as Talos asked for
   * it) was fetched from {@code address} (canonical IPv6 text) at {@code fetchedAt}.
   */
  record Fetch(String machineKey, String tenant, String bootId, String machineId, String address,
      Instant fetchedAt, Instant expiresAt) {}

  /** Records where and when a token was redeemed (the latest fetch wins). */
  Future<Void> recordFetch(String tokenHash, String machineId, String address, Instant at);

  /**
   * The unexpired tokens redeemed from {@code address}, newest fetch first: who Talos at that
   * address is, for its events sink.
   */
  Future<List<Fetch>> fetchesFrom(String address, Instant now);

  /**
   * Removes every token of the machine. Every state transition does this too, in its own
   * transaction ({@link MachineStore#transition}): a token never outlives its boot's state.
   */
  Future<Integer> revokeTokens(String machineKey);
}
