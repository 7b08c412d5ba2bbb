package nettboot.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams a byte range of a file as a response body, on the connection's event loop, in 64 KiB
 * chunks read into pooled direct buffers, with at most {@link #MAX_IN_FLIGHT} chunks per response
 * not yet handed to the kernel.
 *
 * <p>Why not {@code HttpServerResponse.sendFile}: under TLS, Vert.x cannot use the kernel's
 * sendfile and falls back to Netty's {@code ChunkedNioFile} with fixed 8 KiB chunks (one pread,
 * one buffer and one trip through the pipeline per 8 KiB). Here one 64 KiB pread feeds four full
 * 16 KiB TLS records and one socket write. Like {@code ChunkedNioFile}, the reads happen on the
 * event loop: one read is bounded (64 KiB, normally from the page cache). Back-pressure: the next
 * chunk is read only when an earlier one has been written to the socket, so a slow reader holds
 * at most {@code MAX_IN_FLIGHT * CHUNK} bytes of plaintext (plus their TLS records) in this
 * process, whatever the file size.
 */
final class FileBody {
  /** Bytes read per chunk: four full TLS records. */
  static final int CHUNK = 64 * 1024;

  /** Chunks of one response read but not yet written to the socket. */
  static final int MAX_IN_FLIGHT = 2;

  private final HttpServerResponse res;
  private final FileChannel file;
  private final long end;
  private final Promise<Void> done = Promise.promise();
  /** This event loop's shared allowance of chunks in flight. */
  private final ChunkBudget budget;
  /** Counts the plaintext read and not yet written ({@code nettboot_artifact_buffered_bytes}). */
  private final Metrics metrics;
  private long position;
  private int inFlight;
  private boolean pumping;
  private boolean again;
  private boolean finished;

  private FileBody(HttpServerResponse res, FileChannel file, long offset, long length, ChunkBudget budget,
      Metrics metrics) {
    this.res = res;
    this.budget = budget;
    this.metrics = metrics;
    this.file = file;
    this.position = offset;
    this.end = offset + length;
  }

  /**
   * Sends {@code length} bytes of {@code path} from {@code offset} with the response's status and
   * headers (content-length set here). Fails without writing anything when the file cannot be
   * opened or is shorter than the range; fails after the head otherwise (client gone, read error).
   */
  static Future<Void> send(HttpServerResponse res, Path path, long offset, long length, ChunkBudget budget,
      Metrics metrics) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(e);
    }
    try {
      long size = ch.size();
      if (offset < 0 || length < 0 || offset + length > size) {
        closeQuietly(ch);
        return Future.failedFuture(new EOFException(path + " has " + size + " bytes, the response needs "
            + (offset + length)));
      }
    } catch (IOException e) {
      closeQuietly(ch);
      return Future.failedFuture(e);
    }
    res.putHeader("content-length", Long.toString(length));
    if (length == 0) {
      closeQuietly(ch);
      return res.end();
    }
    FileBody body = new FileBody(res, ch, offset, length, budget, metrics);
    body.pump();
    return body.done.future();
  }

  /**
   * Writes chunks while fewer than MAX_IN_FLIGHT are pending and the event loop's budget has a
   * chunk for this response; re-entrant calls loop here instead.
   */
  void pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (!finished && inFlight < MAX_IN_FLIGHT && position < end) {
          Object permit = new Object();
          if (!budget.acquire(this, permit)) {
            return; // queued: the budget calls pump() when a chunk is free for this response
          }
          if (!writeChunk(permit)) {
            return;
          }
        }
      } while (again);
    } finally {
      pumping = false;
    }
  }

  private boolean writeChunk(Object permit) {
    int n = (int) Math.min(CHUNK, end - position);
    ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(n, n);
    try {
      while (buf.isWritable()) {
        int read = buf.writeBytes(file, position + buf.writerIndex(), buf.writableBytes());
        if (read < 0) {
          throw new EOFException("file ended at " + (position + buf.writerIndex()) + " of " + end);
        }
      }
    } catch (IOException | RuntimeException e) {
      buf.release();
      budget.release(permit);
      fail(e);
      return false;
    }
    position += n;
    inFlight++;
    metrics.buffered(n);
    boolean last = position == end;
    if (last) {
      closeQuietly(file);
    }
    // Vert.x hands the pipeline an unreleasable view of a non-heap buffer: ours to release once
    // the write has completed (written to the socket, or failed because the connection closed).
    Future<Void> written;
    try {
      written = res.write(BufferInternal.buffer(buf));
    } catch (RuntimeException e) { // the response was closed or ended meanwhile
      buf.release();
      metrics.buffered(-n);
      inFlight--;
      budget.release(permit);
      fail(e);
      return false;
    }
    written.onComplete(ar -> {
      buf.release();
      metrics.buffered(-n);
      inFlight--;
      if (ar.failed()) {
        fail(ar.cause()); // leaves the budget's queue before the permit goes to others
        budget.release(permit);
      } else {
        budget.release(permit);
        pump();
      }
    });
    if (last && !finished) {
      finished = true;
      budget.leave(this);
      res.end().onComplete(done);
    }
    return !finished;
  }

  private void fail(Throwable t) {
    if (!finished) {
      finished = true;
      budget.leave(this);
      closeQuietly(file);
      if (!res.headWritten()) {
        res.headers().remove("content-length"); // the caller may still answer with an error
      }
      done.fail(t);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing was written through it
    }
  }
}
