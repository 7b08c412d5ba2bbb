package nettboot.core.delivery;

import io.vertx.core.Future;
import java.util.Objects;
import java.time.Clock;
import java.time.Instant;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.MachineId;
import nettboot.core.pki.Addresses;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.ConfigToken;

/**
 * Talos fetching its machine config with a per-boot token (Talos cannot present a client
 * certificate). A token is valid only for its own boot, the latest install boot of its machine:
 * minting a token revokes the machine's older ones and every state transition revokes them all
 * (both in the store, in the same transaction), so a token is dead forever once the machine leaves
 * that boot's state and nothing revives it. The token must also be well-formed, known and
 * unexpired, minted for the machine the id names now (same machine, same tenant), and the machine
 * must still be installing ({@link Lifecycle#isInstalling}). Every refusal, a missing or malformed
 * token included, is a {@link ForbiddenException} whose message is for the operator's log only
 * (the edge answers all of them alike). A successful fetch records the source address: the events sink
 * attributes Talos's events by it ({@link nettboot.core.talos.events.InstallEvidence}).
 */
public final class ConfigDelivery {

  private final MachineStore machines;
  private final ConfigStore configs;
  private final Clock clock;

  /** @param configs null when config delivery is off: every fetch is NotFound */
  public ConfigDelivery(MachineStore machines, ConfigStore configs, Clock clock) {
    this.machines = machines;
    this.configs = Objects.requireNonNull(configs, "configs");
    this.clock = clock;
  }

  /** A delivered config, with the boot it was delivered to (for the access log). */
  public record Delivered(String body, String tenant, String bootId) {}

  /**
   * The config of {@code id} for the holder of {@code token}, fetched from {@code peerAddress}.
   * Fails with NotFound when delivery is off or the machine has no config and Forbidden for every
   * refusal of the token (missing, malformed, unknown, expired, another machine's, not installing).
   */
  public Future<Delivered> fetch(MachineId id, String token, String peerAddress) {
    String hash;
    try {
      hash = ConfigToken.hash(token);
    } catch (InvalidInputException e) {
      return refused("missing or malformed token");
    }
    Instant now = clock.instant();
    return configs.token(hash).compose(found -> {
      if (found.isEmpty() || !now.isBefore(found.get().expiresAt())) {
        return refused("unknown or expired token");
      }
      ConfigStore.TokenRecord t = found.get();
      return machines.find(id).compose(m -> {
        if (m.isEmpty() || !m.get().key().equals(t.machineKey()) || !m.get().tenant().equals(t.tenant())) {
          return refused("token of another machine");
        }
        if (!Lifecycle.isInstalling(m.get().state())) {
          return refused("machine is " + m.get().state() + ": installed, tokens no longer work");
        }
        return configs.config(t.machineKey()).compose(c -> c.isPresent()
            // Where this boot's Talos lives: its events are attributed by this address.
            ? configs.recordFetch(hash, id.value(), Addresses.canonicalPeer(peerAddress), clock.instant())
                .map(x -> new Delivered(c.get().body(), t.tenant(), t.bootId()))
            : Future.failedFuture(new NotFoundException("no machine config is published for this machine")));
      });
    });
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new ForbiddenException(why));
  }
}
