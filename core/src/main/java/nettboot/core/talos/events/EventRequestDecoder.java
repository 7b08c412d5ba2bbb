package nettboot.core.talos.events;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import nettboot.core.error.InvalidInputException;

/**
 * Decodes the protobuf body of {@code events.EventSinkService/Publish}:
 *
 * <pre>
 * message EventRequest { google.protobuf.Any data = 1; string id = 2; string actor_id = 3; }
 * message Any          { string type_url = 1; bytes value = 2; }
 * </pre>
 *
 * and the Talos event inside ({@code machine.SequenceEvent}, {@code PhaseEvent}, {@code TaskEvent},
 * {@code MachineStatusEvent}, {@code ConfigLoadErrorEvent}, {@code ConfigValidationErrorEvent}).
 * Unknown fields are skipped (newer Talos versions add some); malformed input is an
 * {@link InvalidInputException}. Pure; no I/O.
 */
public final class EventRequestDecoder {
  /** Talos events are small; anything larger is not an event. */
  public static final int MAX_BYTES = 64 * 1024;

  // Protobuf tags: field number << 3 | wire type (0 = varint, 2 = length-delimited).
  private static final int VARINT1 = 1 << 3;
  private static final int VARINT2 = 2 << 3;
  private static final int LEN1 = 1 << 3 | 2;
  private static final int LEN2 = 2 << 3 | 2;
  private static final int LEN3 = 3 << 3 | 2;

  private EventRequestDecoder() {}

  /** A decoded request: Talos's event id (an xid), the actor id (may be empty) and the event. */
  public record Published(String id, String actorId, TalosEvent event) {}

  public static Published decode(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new InvalidInputException("event", body.length + " bytes, more than " + MAX_BYTES);
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(body);
      String id = "";
      String actor = "";
      String typeUrl = null;
      byte[] value = new byte[0];
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (tag) {
          case LEN1 -> {
            CodedInputStream any = in.readBytes().newCodedInput();
            for (int t; (t = any.readTag()) != 0; ) {
              switch (t) {
                case LEN1 -> typeUrl = any.readStringRequireUtf8();
                case LEN2 -> value = any.readByteArray();
                default -> any.skipField(t);
              }
            }
          }
          case LEN2 -> id = in.readStringRequireUtf8();
          case LEN3 -> actor = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
      if (typeUrl == null) {
        throw new InvalidInputException("event.data", "no payload (google.protobuf.Any) in the request");
      }
      return new Published(id, actor, payload(typeUrl, value));
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException("event", "not a protobuf EventRequest: " + e.getMessage());
    } catch (IOException e) {
      throw new InvalidInputException("event", "unreadable: " + e.getMessage());
    }
  }

  private static TalosEvent payload(String typeUrl, byte[] value) throws IOException {
    String type = typeUrl.startsWith(TalosEvent.TYPE_PREFIX)
        ? typeUrl.substring(TalosEvent.TYPE_PREFIX.length()) : typeUrl;
    CodedInputStream in = CodedInputStream.newInstance(value);
    return switch (type) {
      case "machine.SequenceEvent" -> sequence(in);
      case "machine.PhaseEvent" -> {
        Named n = named(in);
        yield new TalosEvent.Phase(n.name, action(n.action));
      }
      case "machine.TaskEvent" -> {
        Named n = named(in);
        yield new TalosEvent.Task(n.name, action(n.action));
      }
      case "machine.MachineStatusEvent" -> machineStatus(in);
      case "machine.ConfigLoadErrorEvent", "machine.ConfigValidationErrorEvent" -> {
        Named n = named(in);
        yield new TalosEvent.ConfigError(n.name);
      }
      default -> new TalosEvent.Other(typeUrl);
    };
  }

  /** Field 1 (string) and field 2 (enum) — the shape of Phase/Task events and error events. */
  private record Named(String name, int action) {}

  private static Named named(CodedInputStream in) throws IOException {
    String name = "";
    int action = 0;
    for (int t; (t = in.readTag()) != 0; ) {
      switch (t) {
        case LEN1 -> name = in.readStringRequireUtf8();
        case VARINT2 -> action = in.readEnum();
        default -> in.skipField(t);
      }
    }
    return new Named(name, action);
  }

  private static TalosEvent.Sequence sequence(CodedInputStream in) throws IOException {
    String name = "";
    int action = 0;
    String error = null;
    for (int t; (t = in.readTag()) != 0; ) {
      switch (t) {
        case LEN1 -> name = in.readStringRequireUtf8();
        case VARINT2 -> action = in.readEnum();
        case LEN3 -> error = commonError(in.readBytes().newCodedInput());
        default -> in.skipField(t);
      }
    }
    TalosEvent.SequenceAction a = switch (action) {
      case 0 -> TalosEvent.SequenceAction.NOOP;
      case 1 -> TalosEvent.SequenceAction.START;
      case 2 -> TalosEvent.SequenceAction.STOP;
      default -> TalosEvent.SequenceAction.UNKNOWN;
    };
    return new TalosEvent.Sequence(name, a, error);
  }

  /**
   * {@code common.Error { Code code = 1; string message = 2; }}: present means the sequence failed,
   * even with an empty message.
   */
  private static String commonError(CodedInputStream in) throws IOException {
    String message = "";
    int code = 0;
    for (int t; (t = in.readTag()) != 0; ) {
      switch (t) {
        case VARINT1 -> code = in.readEnum();
        case LEN2 -> message = in.readStringRequireUtf8();
        default -> in.skipField(t);
      }
    }
    return message.isEmpty() ? "error code " + code : message;
  }

  private static TalosEvent.MachineStatus machineStatus(CodedInputStream in) throws IOException {
    int stage = 0;
    boolean ready = false;
    for (int t; (t = in.readTag()) != 0; ) {
      switch (t) {
        case VARINT1 -> stage = in.readEnum();
        case LEN2 -> {
          CodedInputStream status = in.readBytes().newCodedInput();
          for (int s; (s = status.readTag()) != 0; ) {
            if (s == VARINT1) {
              ready = status.readBool();
            } else {
              status.skipField(s);
            }
          }
        }
        default -> in.skipField(t);
      }
    }
    TalosEvent.Stage[] stages = TalosEvent.Stage.values();
    return new TalosEvent.MachineStatus(stage >= 0 && stage < stages.length ? stages[stage]
        : TalosEvent.Stage.UNKNOWN, ready);
  }

  private static TalosEvent.Action action(int wire) {
    return switch (wire) {
      case 0 -> TalosEvent.Action.START;
      case 1 -> TalosEvent.Action.STOP;
      default -> TalosEvent.Action.UNKNOWN;
    };
  }

}
