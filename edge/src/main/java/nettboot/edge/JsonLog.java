package nettboot.edge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Structured JSON-lines logging that never blocks an event loop: lines go through a bounded queue
 * to one writer thread; when the queue is full lines are dropped and counted (reported by the
 * next line written). Callers must never pass private keys, tokens or passwords.
 */
public final class JsonLog implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String POISON = "\u0000";

  private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
  private final LongAdder dropped = new LongAdder();
  private final PrintStream out;
  private final Thread writer;

  public JsonLog(PrintStream out) {
    this.out = out;
    this.writer = Thread.ofPlatform().daemon().name("nettboot-log").unstarted(this::drain);
    writer.start();
  }

  public void info(String event, Map<String, ?> fields) {
    log("info", event, fields);
  }

  public void warn(String event, Map<String, ?> fields) {
    log("warn", event, fields);
  }

  public void error(String event, Map<String, ?> fields) {
    log("error", event, fields);
  }

  public void log(String level, String event, Map<String, ?> fields) {
    StringWriter sw = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.now().toString());
      g.writeStringField("level", level);
      g.writeStringField("event", event);
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        Object v = e.getValue();
        if (v == null) {
          continue;
        }
        if (v instanceof Number n) {
          if (n instanceof Double || n instanceof Float) {
            g.writeNumberField(e.getKey(), n.doubleValue());
          } else {
            g.writeNumberField(e.getKey(), n.longValue());
          }
        } else if (v instanceof Boolean b) {
          g.writeBooleanField(e.getKey(), b);
        } else {
          g.writeStringField(e.getKey(), v.toString());
        }
      }
      long d = dropped.sumThenReset();
      if (d > 0) {
        g.writeNumberField("log_lines_dropped", d);
      }
      g.writeEndObject();
    } catch (IOException e) {
      return;
    }
    if (!queue.offer(sw.toString())) {
      dropped.increment();
    }
  }

  private void drain() {
    try {
      while (true) {
        String line = queue.take();
        if (POISON.equals(line)) {
          break;
        }
        out.println(line);
        if (queue.isEmpty()) {
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.flush();
  }

  @Override
  public void close() {
    try {
      queue.offer(POISON, 1, TimeUnit.SECONDS);
      writer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
