package nettboot.core.talos.events;

import java.util.Objects;

/**
 * What a stream of Talos events says about one install boot: the pure rule that turns Talos's own
 * progress reports into install evidence (Provisioning/Reprovision → Active) or an install failure.
 *
 * <p>Talos runs its sequences in order (initialize, install, boot); a sequence runs its phases one
 * after another and stops at the first failing phase, reporting {@code SequenceEvent{STOP, error}}.
 * When the disk is not installed yet, the install sequence's phases are {@code install} (the
 * installer writes the disk) followed by bookkeeping and {@code reboot}/{@code kexec}, which boots
 * the installed system. So the evidence is:
 *
 * <ul>
 *   <li>inside the install sequence, a phase <em>starts</em> after the {@code install} phase stopped
 *       (the installer succeeded: the sequence would have stopped with an error otherwise), or the
 *       install sequence stops without error after its {@code install} phase ran;
 *   <li>or the {@code boot} sequence starts (Talos boots only an installed system: an install boot
 *       with {@code talos.halt_if_installed=1} never gets there without installing first).
 * </ul>
 *
 * The install sequence stopping with an error is a failure; anything else is progress. Serving a
 * config is never evidence. Events arrive at least once (Talos replays from its last acknowledged
 * event after a reconnect), so every rule is idempotent.
 */
public final class InstallProgress {
  /** Talos's sequence and phase names (runtime.Sequence* and the install sequence's phases). */
  static final String INSTALL = "install";
  static final String BOOT = "boot";

  private InstallProgress() {}

  /**
   * Per boot: whether the install sequence is running and whether its {@code install} phase has
   * completed.
   */
  public record State(boolean inInstallSequence, boolean installPhaseDone) {
    public static final State INITIAL = new State(false, false);
  }

  /** What one event means. */
  public sealed interface Verdict {}

  /** Nothing decisive. */
  public record Progress() implements Verdict {}

  /** The machine is installed; {@code evidence} says which event proved it (for the history). */
  public record Installed(String evidence) implements Verdict {
    public Installed {
      Objects.requireNonNull(evidence, "evidence");
    }
  }

  /** The install failed; Talos reports why. */
  public record InstallFailed(String reason) implements Verdict {}

  public record Step(State next, Verdict verdict) {}

  private static final Progress PROGRESS = new Progress();

  public static Step apply(State s, TalosEvent event) {
    return switch (event) {
      case TalosEvent.Sequence q when q.sequence().equals(INSTALL) -> switch (q.action()) {
        case START -> new Step(new State(true, false), PROGRESS);
        case STOP -> {
          if (q.failed()) {
            yield new Step(State.INITIAL, new InstallFailed("install sequence failed: " + q.error()));
          }
          yield new Step(State.INITIAL, s.installPhaseDone()
              ? new Installed("Talos install sequence completed after its install phase")
              : PROGRESS);
        }
        default -> new Step(s, PROGRESS);
      };
      case TalosEvent.Sequence q when q.sequence().equals(BOOT)
          && q.action() == TalosEvent.SequenceAction.START ->
          new Step(State.INITIAL, new Installed("Talos boot sequence started (installed system)"));
      // Another sequence starting ends whatever install sequence was running (Talos runs one at a time).
      case TalosEvent.Sequence q when q.action() == TalosEvent.SequenceAction.START ->
          new Step(State.INITIAL, PROGRESS);
      case TalosEvent.Phase p when s.inInstallSequence() -> {
        if (p.phase().equals(INSTALL) && p.action() == TalosEvent.Action.STOP) {
          yield new Step(new State(true, true), PROGRESS);
        }
        if (s.installPhaseDone() && p.action() == TalosEvent.Action.START) {
          yield new Step(s, new Installed("Talos install sequence reached phase " + p.phase()
              + " after its install phase completed"));
        }
        yield new Step(s, PROGRESS);
      }
      default -> new Step(s, PROGRESS);
    };
  }
}
