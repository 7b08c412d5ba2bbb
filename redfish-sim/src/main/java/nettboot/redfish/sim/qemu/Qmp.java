package nettboot.redfish.sim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking QMP client on QEMU's unix socket: capabilities negotiated on connect, one command at
 * a time, asynchronous events kept in arrival order. Reads block; closing the client (e.g. when
 * QEMU has exited) ends a blocked read.
 */
final class Qmp implements Closeable {
  private final ObjectMapper json = new ObjectMapper();
  private final SocketChannel channel;
  private final BufferedReader in;
  private final OutputStream out;
  private final List<JsonNode> events = new ArrayList<>();

  private Qmp(SocketChannel channel) {
    this.channel = channel;
    this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    this.out = Channels.newOutputStream(channel);
  }

  /** Connects once QEMU listens (it creates the socket while starting); fails when QEMU exits first. */
  static Qmp connect(Path socket, Process qemu, Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    IOException last = null;
    while (System.nanoTime() < end && qemu.isAlive()) {
      if (Files.exists(socket)) {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          ch.connect(UnixDomainSocketAddress.of(socket));
          Qmp q = new Qmp(ch);
          q.handshake();
          return q;
        } catch (IOException e) {
          ch.close();
          last = e;
        }
      }
      Thread.sleep(50);
    }
    throw new IOException(qemu.isAlive() ? "no QMP on " + socket + " within " + deadline.toSeconds() + " s"
        + (last == null ? "" : " (" + last.getMessage() + ")") : "QEMU exited while starting");
  }

  private void handshake() throws IOException {
    JsonNode greeting = readLine();
    if (greeting == null || !greeting.has("QMP")) {
      throw new IOException("not a QMP greeting: " + greeting);
    }
    execute("qmp_capabilities", null);
  }

  /** Runs one command and returns its {@code return} value; a QMP error becomes an IOException. */
  synchronized JsonNode execute(String command, ObjectNode arguments) throws IOException {
    ObjectNode cmd = json.createObjectNode().put("execute", command);
    if (arguments != null) {
      cmd.set("arguments", arguments);
    }
    out.write((json.writeValueAsString(cmd) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    while (true) {
      JsonNode r = readLine();
      if (r == null) {
        throw new IOException("QMP closed during " + command);
      }
      if (r.has("return")) {
        return r.get("return");
      }
      if (r.has("error")) {
        throw new IOException("QMP " + command + ": " + r.get("error").path("desc").asText(r.toString()));
      }
      if (r.has("event")) {
        events.add(r);
      }
    }
  }

  ObjectNode args() {
    return json.createObjectNode();
  }

  /**
   * After QEMU exited: reads what it still sent and returns the reason of its last SHUTDOWN event
   * ({@code guest-shutdown}, {@code guest-reset}, …), or null when it sent none.
   */
  synchronized String shutdownReason() {
    try {
      for (JsonNode r = readLine(); r != null; r = readLine()) {
        if (r.has("event")) {
          events.add(r);
        }
      }
    } catch (IOException e) {
      // QEMU is gone: whatever was read is all there is
    }
    String reason = null;
    for (JsonNode e : events) {
      if (e.path("event").asText().equals("SHUTDOWN")) {
        reason = e.path("data").path("reason").asText(null);
      }
    }
    return reason;
  }

  private JsonNode readLine() throws IOException {
    String line = in.readLine();
    return line == null ? null : json.readTree(line);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
