package nettboot.edge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import java.util.function.Consumer;

/**
 * A gRPC request whose body bytes reach the gRPC deframer through a guard: a frame the deframer
 * cannot read (a compressed message without {@code grpc-encoding}, for one, which Vert.x's gRPC
 * server meets with an unhandled {@code UnsupportedOperationException}) ends the call with status
 * INTERNAL and a one-line message instead of leaving the stream open until the client's timeout.
 * Later bytes and the end of that stream are not passed on. Confined to the stream's event loop.
 */
final class GrpcFrameGuard extends HttpServerRequestWrapper {
  /** gRPC status INTERNAL, what the gRPC spec asks for a message the server cannot decode. */
  static final String INTERNAL = "13";

  private final Consumer<RuntimeException> onMalformed;
  private boolean failed;

  GrpcFrameGuard(HttpServerRequest request, Consumer<RuntimeException> onMalformed) {
    super((HttpServerRequestInternal) request);
    this.onMalformed = onMalformed;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    if (handler == null) {
      delegate.handler(null);
      return this;
    }
    delegate.handler(chunk -> {
      if (failed) {
        return;
      }
      try {
        handler.handle(chunk);
      } catch (RuntimeException e) {
        failed = true;
        onMalformed.accept(e);
        refuse(delegate.response());
      }
    });
    return this;
  }

  /** The end of the body drives the deframer too; after a refusal the call is over. */
  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    if (handler == null) {
      delegate.endHandler(null);
      return this;
    }
    delegate.endHandler(v -> {
      if (failed) {
        return;
      }
      try {
        handler.handle(v);
      } catch (RuntimeException e) {
        failed = true;
        onMalformed.accept(e);
        refuse(delegate.response());
      }
    });
    return this;
  }

  private static void refuse(HttpServerResponse response) {
    if (response.ended()) {
      return;
    }
    String message = "malformed gRPC message";
    if (response.headWritten()) {
      response.putTrailer("grpc-status", INTERNAL).putTrailer("grpc-message", message);
    } else {
      response.putHeader("content-type", "application/grpc")
          .putHeader("grpc-status", INTERNAL).putHeader("grpc-message", message);
    }
    response.end();
  }
}
