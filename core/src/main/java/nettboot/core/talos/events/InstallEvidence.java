package nettboot.core.talos.events;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import nettboot.core.machine.Lifecycle;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.pki.Addresses;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.ConflictRetry;
import nettboot.core.store.MachineStore;

/**
 * Talos's own events as install evidence (design rule 4). An event is attributed by its source
 * address ({@link InstallAttribution}), applied to that boot's progress ({@link InstallTracker},
 * {@link InstallProgress}); on install evidence the machine moves to Active, if it is still in a
 * state that install evidence ends ({@link Lifecycle#acceptsInstallEvidence}), with the event in
 * the history, and its config tokens are revoked. A lost race with another writer is retried on
 * the fresh record ({@link ConflictRetry}). Events are delivered at least once, so everything
 * here is idempotent: a replayed event finds the machine Active and changes nothing.
 */
public final class InstallEvidence {
  /** The history actor of transitions made on Talos's evidence; the source address follows. */
  public static final String ACTOR_PREFIX = "talos-events:";

  private final MachineStore machines;
  private final ConfigStore configs;
  private final InstallTracker progress;
  private final Clock clock;

  public InstallEvidence(MachineStore machines, ConfigStore configs, InstallTracker progress, Clock clock) {
    this.machines = machines;
    this.configs = configs;
    this.progress = progress;
    this.clock = clock;
  }

  /** What one event did. */
  public sealed interface Outcome {}

  /** No valid config fetch from the address: ignored. */
  public record Unattributed() implements Outcome {}

  /** Fetches from the address name several machines: ignored. */
  public record Ambiguous(long machines) implements Outcome {}

  /** Attributed to {@code fetch}'s boot; what it meant. */
  public record Attributed(ConfigStore.Fetch fetch, Effect effect) implements Outcome {}

  /** The effect of an attributed event. */
  public sealed interface Effect {}

  /** Progress only. */
  public record Progress() implements Effect {}

  /** Talos reports that the install failed (the machine is left as it is, for the operator). */
  public record InstallFailed(String reason) implements Effect {}

  /** Install evidence: the machine is now Active. */
  public record Installed(String evidence) implements Effect {}

  /**
   * Install evidence for a machine that install evidence no longer moves (its id now names another
   * machine, or it was moved while the event was in flight): nothing changed. A machine moved
   * before the event arrives has no token left, so its events are {@link Unattributed}.
   */
  public record AlreadySettled(String evidence) implements Effect {}

  /** Handles one event from {@code peerAddress}; the future completes once any change is stored. */
  public Future<Outcome> apply(String peerAddress, TalosEvent event) {
    String address = Addresses.canonicalPeer(peerAddress);
    Instant now = clock.instant();
    return configs.fetchesFrom(address, now).compose(fetches -> {
      return switch (InstallAttribution.attribute(address, fetches, now)) {
        case InstallAttribution.Nobody n -> Future.succeededFuture(new Unattributed());
        case InstallAttribution.Ambiguous a -> Future.succeededFuture(new Ambiguous(a.machines()));
        case InstallAttribution.One one -> effect(one.fetch(), address, event, now)
            .map(e -> new Attributed(one.fetch(), e));
      };
    });
  }

  private Future<Effect> effect(ConfigStore.Fetch f, String address, TalosEvent event, Instant now) {
    return switch (progress.apply(f.machineKey(), f.bootId(), event)) {
      case InstallProgress.Installed installed ->
          ConflictRetry.retry(() -> markInstalled(f, address, installed.evidence(), now));
      case InstallProgress.InstallFailed failed -> Future.succeededFuture(new InstallFailed(failed.reason()));
      case InstallProgress.Progress p -> Future.succeededFuture(new Progress());
    };
  }

  private Future<Effect> markInstalled(ConfigStore.Fetch f, String address, String evidence, Instant now) {
    MachineId id = MachineId.parse(f.machineId());
    return machines.find(id).compose(found -> {
      if (found.isEmpty() || !found.get().key().equals(f.machineKey())
          || !Lifecycle.acceptsInstallEvidence(found.get().state())) {
        return Future.succeededFuture(new AlreadySettled(evidence));
      }
      return machines.transition(id, MachineState.ACTIVE, OptionalLong.of(found.get().version()),
              ACTOR_PREFIX + address, "install evidence from Talos: " + evidence + " (boot " + f.bootId() + ")", now)
          .compose(active -> {
            progress.forget(f.machineKey(), f.bootId());
            // The config is no longer fetchable once Active; drop the tokens too.
            return configs.revokeTokens(f.machineKey()).map(x -> (Effect) new Installed(evidence));
          });
    });
  }
}
