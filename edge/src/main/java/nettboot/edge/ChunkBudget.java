package nettboot.edge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many artifact chunks one event loop may have read and not yet written to sockets, shared by
 * all its responses: the server's streaming memory stays the same whether 50 or 5,000 machines
 * download at once (each response still takes at most {@link FileBody#MAX_IN_FLIGHT} chunks).
 * Responses wait in arrival order for a free chunk.
 *
 * <p>A reader that stops reading must not hold the budget hostage: a chunk not written within
 * {@link #STALL_MILLIS} is written off (its permit returns to the budget; its buffer stays with the
 * connection until the write completes or the idle timeout closes it). Memory then grows only with
 * stalled connections, each bounded to its in-flight chunks.
 *
 * <p>Confined to its event loop: every call happens on that loop's thread, so no locking.
 */
final class ChunkBudget {
  static final int CHUNKS_PER_LOOP = 64;
  static final long STALL_MILLIS = 2_000;

  private final Vertx vertx;
  private int free = CHUNKS_PER_LOOP;
  private final ArrayDeque<FileBody> waiting = new ArrayDeque<>();
  /** Permits held, oldest first: the chunk's key and when it was taken. */
  private final LinkedHashMap<Object, Long> held = new LinkedHashMap<>();
  private boolean stallCheckArmed;

  private ChunkBudget(Vertx vertx) {
    this.vertx = vertx;
  }

  /** One server's budgets, one per event loop (its thread), made on first use. */
  static final class PerLoop {
    private final Map<Thread, ChunkBudget> byLoop = new java.util.concurrent.ConcurrentHashMap<>();

    /** The budget of the calling event loop. */
    ChunkBudget current(Context context) {
      return byLoop.computeIfAbsent(Thread.currentThread(), t -> new ChunkBudget(context.owner()));
    }
  }

  /**
   * A permit for {@code chunk} of {@code body}, or false: the body is queued and its
   * {@code pump()} is called when a permit is free for it.
   */
  boolean acquire(FileBody body, Object chunk) {
    if (free > 0 && (waiting.isEmpty() || waiting.peekFirst() == body)) {
      if (waiting.peekFirst() == body) {
        waiting.pollFirst();
      }
      free--;
      held.put(chunk, System.nanoTime());
      return true;
    }
    if (!waiting.contains(body)) {
      waiting.addLast(body);
    }
    armStallCheck();
    return false;
  }

  /** The chunk was written (or failed): its permit returns, unless it was written off. */
  void release(Object chunk) {
    if (held.remove(chunk) != null) {
      free++;
      wakeNext();
    }
  }

  /** A finished or failed body leaves the queue. */
  void leave(FileBody body) {
    if (waiting.remove(body)) {
      wakeNext();
    }
  }

  /** Lets queued bodies take free permits, in order, until none is free or the head cannot. */
  private void wakeNext() {
    while (free > 0 && !waiting.isEmpty()) {
      FileBody head = waiting.peekFirst();
      head.pump();
      if (waiting.peekFirst() == head) {
        break; // busy pumping already (re-entrant call) or could not use it now
      }
    }
  }

  private void armStallCheck() {
    if (stallCheckArmed) {
      return;
    }
    stallCheckArmed = true;
    vertx.setTimer(STALL_MILLIS / 2, id -> {
      stallCheckArmed = false;
      long now = System.nanoTime();
      Iterator<Map.Entry<Object, Long>> it = held.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Object, Long> e = it.next();
        if ((now - e.getValue()) / 1_000_000 < STALL_MILLIS) {
          break; // the rest are younger
        }
        it.remove();
        free++;
      }
      wakeNext();
      if (!waiting.isEmpty()) {
        armStallCheck();
      }
    });
  }

}
