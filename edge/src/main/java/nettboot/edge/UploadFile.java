package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.WriteStream;

/**
 * The file an upload is piped into, counting the bytes handed to it and remembering the first
 * failed write or close: a full disk must be seen as the server's failure (the pipe alone can end
 * "successfully" with bytes missing), never mistaken for a short request.
 */
final class UploadFile implements WriteStream<Buffer> {
  private final AsyncFile file;
  private long offered;
  private Throwable failure;

  UploadFile(AsyncFile file) {
    this.file = file;
  }

  /** Bytes the request delivered (whether or not the disk kept them). */
  long offered() {
    return offered;
  }

  /** The first write or close failure, or null. */
  Throwable failure() {
    return failure;
  }

  private void record(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    offered += data.length();
    return file.write(data).onFailure(this::record);
  }

  @Override
  public Future<Void> end() {
    return file.end().onFailure(this::record);
  }

  @Override
  public UploadFile exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(t -> {
      record(t);
      if (handler != null) {
        handler.handle(t);
      }
    });
    return this;
  }

  @Override
  public UploadFile setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public UploadFile drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }
}
