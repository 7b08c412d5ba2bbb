package nettboot.edge;

import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Structured JSON-lines logging through SLF4J (logback), one object per line:
 * {@code {"ts":…,"level":"info","event":…, fields…}}, {@code ts} from the injected clock. Lines go
 * through a bounded queue to one writer thread ({@link JsonLogAppenders}); a caller never blocks,
 * and lines lost to a full queue are reported by the next line ({@code log_lines_dropped}).
 *
 * <p>Each instance has its own logback context, so servers in one JVM log to their own outputs.
 * Callers must never pass private keys, tokens or passwords; as a second line of defence, values
 * of fields named like secrets, PEM private keys and query strings carrying a token are redacted.
 */
public final class JsonLog implements AutoCloseable {
  static final String REDACTED = "[redacted]";

  private final LoggerContext context = new LoggerContext();
  private final Logger logger;
  private final JsonLogAppenders.Async queue;
  private final PrintStream out;
  private final Clock clock;

  public JsonLog(PrintStream out) {
    this(out, Clock.systemUTC());
  }

  public JsonLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    context.setName("nettboot-json-log");
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    queue = JsonLogAppenders.start(context, out);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(ch.qos.logback.classic.Level.INFO);
    root.addAppender(queue);
    logger = context.getLogger("nettboot");
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
    LoggingEventBuilder line = logger.atLevel(level(level)).setMessage(event)
        .addKeyValue("ts", clock.instant().toString())
        .addKeyValue("level", level)
        .addKeyValue("event", event);
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      Object v = e.getValue();
      if (v != null) {
        line.addKeyValue(e.getKey(), value(e.getKey(), v));
      }
    }
    long dropped = queue.takeDropped();
    if (dropped > 0) {
      line.addKeyValue(JsonLogAppenders.DROPPED, dropped);
    }
    line.log();
  }

  /** Log fields from alternating names and values, in order; null values are left out of the line. */
  public static Map<String, Object> fields(Object... kv) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Numbers and booleans stay JSON numbers and booleans; anything else is its string, redacted. */
  static Object value(String key, Object v) {
    if (v instanceof Double || v instanceof Float) {
      return ((Number) v).doubleValue();
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof Boolean) {
      return v;
    }
    String s = v.toString();
    String k = key.toLowerCase(java.util.Locale.ROOT);
    if (k.contains("token") || k.contains("password") || k.contains("secret") || k.endsWith("key")
        || s.contains("PRIVATE KEY")) {
      return REDACTED;
    }
    int query = s.indexOf('?');
    if (query >= 0 && s.indexOf("token=", query) > 0) {
      return s.substring(0, query) + "?" + REDACTED;
    }
    return s;
  }

  private static Level level(String level) {
    return switch (level) {
      case "error" -> Level.ERROR;
      case "warn" -> Level.WARN;
      case "debug" -> Level.DEBUG;
      case "trace" -> Level.TRACE;
      default -> Level.INFO;
    };
  }

  /** Writes the lines still queued (for up to two seconds), then stops the writer. */
  @Override
  public void close() {
    context.stop();
    out.flush();
  }
}
