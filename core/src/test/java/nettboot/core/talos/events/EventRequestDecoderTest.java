package nettboot.core.talos.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Decoding events.EventRequest and Talos's machine.*Event payloads, including bad input. */
class EventRequestDecoderTest {

  interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] proto(Body b) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    b.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  static byte[] request(String type, byte[] value, String id, String actor) throws IOException {
    Any any = Any.newBuilder().setTypeUrl("type.googleapis.com/" + type).setValue(ByteString.copyFrom(value)).build();
    return proto(out -> {
      out.writeMessage(1, any);
      out.writeString(2, id);
      if (!actor.isEmpty()) {
        out.writeString(3, actor);
      }
      out.writeString(99, "a field from a newer Talos"); // unknown fields are skipped
    });
  }

  @Test
  void sequenceEventWithAndWithoutError() throws IOException {
    byte[] ok = proto(out -> {
      out.writeString(1, "install");
      out.writeEnum(2, 2);
    });
    EventRequestDecoder.Published p = EventRequestDecoder.decode(request("machine.SequenceEvent", ok, "cqx1", "actor-7"));
    assertThat(p.id()).isEqualTo("cqx1");
    assertThat(p.actorId()).isEqualTo("actor-7");
    assertThat(p.event()).isEqualTo(new TalosEvent.Sequence("install", TalosEvent.SequenceAction.STOP, null));
    byte[] failed = proto(out -> {
      out.writeString(1, "install");
      out.writeEnum(2, 2);
      out.writeBytes(3, ByteString.copyFrom(proto(e -> e.writeString(2, "no disk"))));
    });
    assertThat(EventRequestDecoder.decode(request("machine.SequenceEvent", failed, "x", "")).event())
        .isEqualTo(new TalosEvent.Sequence("install", TalosEvent.SequenceAction.STOP, "no disk"));
    byte[] failedNoMessage = proto(out -> {
      out.writeString(1, "boot");
      out.writeBytes(3, ByteString.EMPTY);
    });
    TalosEvent.Sequence s = (TalosEvent.Sequence) EventRequestDecoder.decode(
        request("machine.SequenceEvent", failedNoMessage, "x", "")).event();
    assertThat(s.action()).isEqualTo(TalosEvent.SequenceAction.NOOP);
    assertThat(s.failed()).isTrue();
  }

  @Test
  void phaseTaskStatusAndConfigErrorEvents() throws IOException {
    // proto3 leaves START (0) out on the wire
    assertThat(EventRequestDecoder.decode(request("machine.PhaseEvent",
        proto(out -> out.writeString(1, "reboot")), "x", "")).event())
        .isEqualTo(new TalosEvent.Phase("reboot", TalosEvent.Action.START));
    assertThat(EventRequestDecoder.decode(request("machine.TaskEvent", proto(out -> {
      out.writeString(1, "install");
      out.writeEnum(2, 1);
    }), "x", "")).event()).isEqualTo(new TalosEvent.Task("install", TalosEvent.Action.STOP));
    assertThat(EventRequestDecoder.decode(request("machine.MachineStatusEvent", proto(out -> {
      out.writeEnum(1, 4);
      out.writeBytes(2, ByteString.copyFrom(proto(st -> st.writeBool(1, true))));
    }), "x", "")).event()).isEqualTo(new TalosEvent.MachineStatus(TalosEvent.Stage.RUNNING, true));
    assertThat(EventRequestDecoder.decode(request("machine.MachineStatusEvent",
        proto(out -> out.writeEnum(1, 42)), "x", "")).event())
        .isEqualTo(new TalosEvent.MachineStatus(TalosEvent.Stage.UNKNOWN, false));
    assertThat(EventRequestDecoder.decode(request("machine.ConfigValidationErrorEvent",
        proto(out -> out.writeString(1, "machine.install.disk: required")), "x", "")).event())
        .isEqualTo(new TalosEvent.ConfigError("machine.install.disk: required"));
    assertThat(EventRequestDecoder.decode(request("machine.ServiceStateEvent",
        proto(out -> out.writeString(1, "kubelet")), "x", "")).event())
        .isEqualTo(new TalosEvent.Other("type.googleapis.com/machine.ServiceStateEvent"));
  }

  /**
   * Request bodies exactly as protobuf-go encodes them: printed by the Go test client
   * ({@code talos-events-client -dump phase:reboot:start sequence:install:stop:nodisk}).
   */
  @Test
  void bytesAsProtobufGoEncodesThem() {
    EventRequestDecoder.Published p = EventRequestDecoder.decode(HexFormat.of().parseHex(
        "0a320a26747970652e676f6f676c65617069732e636f6d2f6d616368696e652e50686173654576656e7412080a06"
        + "7265626f6f7412146374657374303030303030303030303030303030"));
    assertThat(p.event()).isEqualTo(new TalosEvent.Phase("reboot", TalosEvent.Action.START));
    assertThat(p.id()).isEqualTo("ctest000000000000000");
    EventRequestDecoder.Published q = EventRequestDecoder.decode(HexFormat.of().parseHex(
        "0a420a29747970652e676f6f676c65617069732e636f6d2f6d616368696e652e53657175656e63654576656e7412"
        + "150a07696e7374616c6c10021a0812066e6f6469736b12146374657374303030303030303030303030303031"));
    assertThat(q.event()).isEqualTo(new TalosEvent.Sequence("install", TalosEvent.SequenceAction.STOP, "nodisk"));
  }

  @Test
  void malformedInputIsAnInvalidInputException() throws IOException {
    assertThatThrownBy(() -> EventRequestDecoder.decode(HexFormat.of().parseHex("0affff")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a protobuf EventRequest");
    assertThatThrownBy(() -> EventRequestDecoder.decode(proto(out -> out.writeString(2, "id"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no payload");
    assertThatThrownBy(() -> EventRequestDecoder.decode(new byte[EventRequestDecoder.MAX_BYTES + 1]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than");
    // a truncated payload inside a valid envelope
    byte[] truncated = request("machine.PhaseEvent", HexFormat.of().parseHex("0a10726562"), "x", "");
    assertThatThrownBy(() -> EventRequestDecoder.decode(truncated)).isInstanceOf(InvalidInputException.class);
    // invalid UTF-8 in a string field
    byte[] badUtf8 = request("machine.PhaseEvent", HexFormat.of().parseHex("0a02c328"), "x", "");
    assertThatThrownBy(() -> EventRequestDecoder.decode(badUtf8)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void describeIsOneLine() {
    assertThat(TalosEvent.describe(new TalosEvent.Sequence("install", TalosEvent.SequenceAction.STOP, "x")))
        .isEqualTo("sequence install STOP (error: x)");
    assertThat(TalosEvent.describe(new TalosEvent.MachineStatus(TalosEvent.Stage.RUNNING, true)))
        .isEqualTo("stage RUNNING ready");
  }
}
