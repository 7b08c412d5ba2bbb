package nettboot.edge;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * The logback wiring behind {@link JsonLog}: a bounded {@link AsyncAppender} in front of one
 * writer thread that encodes each event's key-value pairs as one JSON line (logstash-logback-encoder)
 * and writes it to the output, flushing whenever the queue runs empty.
 *
 * <p>Never blocking the caller (an event loop): {@code neverBlock} is on. Once the queue is 80 %
 * full, info and debug lines are discarded; warnings and errors are dropped only when it is
 * completely full. Every line lost either way is counted ({@link Async#takeDropped}).
 */
final class JsonLogAppenders {
  /** Lines the queue holds; at ~300 bytes a line, about 20 MiB when full. */
  static final int QUEUE_SIZE = 65_536;
  /** Below this much free space, lines under WARN are discarded. */
  static final int DISCARDING_THRESHOLD = QUEUE_SIZE / 5;
  /** The field of the next line written that counts the lines lost before it. */
  static final String DROPPED = "log_lines_dropped";

  private JsonLogAppenders() {}

  /** Starts the appenders in {@code context}: an {@link Async} writing JSON lines to {@code out}. */
  static Async start(LoggerContext context, OutputStream out) {
    LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
    providers.addKeyValuePairs(new KeyValuePairsJsonProvider());
    LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(context);
    encoder.setProviders(providers);
    encoder.start();

    Async async = new Async();
    Batching sink = new Batching(async);
    sink.setContext(context);
    sink.setName("json-lines");
    sink.setEncoder(encoder);
    sink.setImmediateFlush(false);
    sink.setOutputStream(out);
    sink.start();

    async.setContext(context);
    async.setName("json-lines-queue");
    async.setQueueSize(QUEUE_SIZE);
    async.setDiscardingThreshold(DISCARDING_THRESHOLD);
    async.setNeverBlock(true);
    async.setMaxFlushTime(2000);
    async.addAppender(sink);
    async.start();
    return async;
  }

  /** The bounded queue, counting the lines it discards or drops. */
  static final class Async extends AsyncAppender {
    private final LongAdder dropped = new LongAdder();

    @Override
    protected void append(ILoggingEvent event) {
      int free = getRemainingCapacity();
      if (free == 0 || (free < getDiscardingThreshold() && isDiscardable(event))) {
        // this line is lost, and with it the count it carried: both go back to the counter
        dropped.add(1 + carried(event));
      }
      super.append(event);
    }

    private static long carried(ILoggingEvent event) {
      if (event.getKeyValuePairs() != null) {
        for (org.slf4j.event.KeyValuePair kv : event.getKeyValuePairs()) {
          if (DROPPED.equals(kv.key) && kv.value instanceof Long n) {
            return n;
          }
        }
      }
      return 0;
    }

    /** Lines lost since the last call. */
    long takeDropped() {
      return dropped.sumThenReset();
    }

    boolean idle() {
      return getNumberOfElementsInQueue() == 0;
    }
  }

  /** Writes encoded lines and flushes the output only when no further line is waiting. */
  static final class Batching extends OutputStreamAppender<ILoggingEvent> {
    private final Async queue;

    Batching(Async queue) {
      this.queue = queue;
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
      super.subAppend(event);
      if (queue.idle()) {
        try {
          getOutputStream().flush();
        } catch (java.io.IOException e) {
          addError("cannot flush the log output", e);
        }
      }
    }
  }
}
