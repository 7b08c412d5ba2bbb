package nettboot.core.talos.events;

/**
 * One Talos runtime event as its events sink sends it ({@code events.EventSinkService/Publish},
 * payload {@code google.protobuf.Any} of a {@code machine.*Event} message from Talos's
 * {@code api/machine/machine.proto}). Only the messages and fields nett-boot reads are modelled;
 * everything else is {@link Other}.
 */
public sealed interface TalosEvent {

  /** Type URL prefix Talos uses ({@code anypb.New}). */
  String TYPE_PREFIX = "type.googleapis.com/";

  /** {@code machine.SequenceEvent}: a whole sequence (boot, install, reboot, …) starts or stops. */
  record Sequence(String sequence, SequenceAction action, String error) implements TalosEvent {
    public boolean failed() {
      return error != null;
    }
  }

  /** {@code machine.SequenceEvent.Action} (NOOP = 0, START = 1, STOP = 2). */
  enum SequenceAction { NOOP, START, STOP, UNKNOWN }

  /** {@code machine.PhaseEvent}: one phase of the running sequence starts or stops. */
  record Phase(String phase, Action action) implements TalosEvent {}

  /** {@code machine.TaskEvent}: one task of the running phase starts or stops. */
  record Task(String task, Action action) implements TalosEvent {}

  /** {@code machine.PhaseEvent.Action} and {@code machine.TaskEvent.Action} (START = 0, STOP = 1). */
  enum Action { START, STOP, UNKNOWN }

  /** {@code machine.MachineStatusEvent}: the machine's stage and readiness. */
  record MachineStatus(Stage stage, boolean ready) implements TalosEvent {}

  /** {@code machine.MachineStatusEvent.MachineStage}, in wire order. */
  enum Stage { UNKNOWN, BOOTING, INSTALLING, MAINTENANCE, RUNNING, REBOOTING, SHUTTING_DOWN,
    RESETTING, UPGRADING }

  /** {@code machine.ConfigLoadErrorEvent} / {@code machine.ConfigValidationErrorEvent}. */
  record ConfigError(String error) implements TalosEvent {}

  /** Any other payload (service state, addresses, …): recorded by type, not interpreted. */
  record Other(String typeUrl) implements TalosEvent {}

  /** Short text for logs and history: never more than a line. */
  static String describe(TalosEvent e) {
    return switch (e) {
      case Sequence s -> "sequence " + s.sequence() + " " + s.action()
          + (s.failed() ? " (error: " + s.error() + ")" : "");
      case Phase p -> "phase " + p.phase() + " " + p.action();
      case Task t -> "task " + t.task() + " " + t.action();
      case MachineStatus m -> "stage " + m.stage() + (m.ready() ? " ready" : "");
      case ConfigError c -> "config error: " + c.error();
      case Other o -> o.typeUrl();
    };
  }
}
