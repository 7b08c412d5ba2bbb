package nettboot.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1.x request decoder with two rules added, for one connection:
 * <ul>
 *   <li>a request's line and headers must arrive within the deadline, counted from the
 *       connection's start for the first request and from the request's first byte for later ones;
 *       a client that is slower (one byte a second) is cut off;
 *   <li>a request with both Content-Length and Transfer-Encoding is invalid (RFC 9112 §6.1; the
 *       plain decoder drops Content-Length and reads on): the connection answers 400 and closes.
 * </ul>
 * Confined to the connection's event loop.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private final long deadlineMillis;
  private final Runnable onTimeout;
  private ScheduledFuture<?> deadline;
  /** Between requests: the next byte starts a request line. */
  private boolean betweenRequests;

  StrictRequestDecoder(HttpServerOptions options, long deadlineMillis, Runnable onTimeout) {
    super(options);
    this.deadlineMillis = deadlineMillis;
    this.onTimeout = onTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    arm(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (betweenRequests && in.isReadable()) {
      betweenRequests = false;
      arm(ctx);
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpMessage) {
        disarm();
      }
      if (o instanceof LastHttpContent) {
        betweenRequests = true;
      }
    }
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException("both Content-Length and Transfer-Encoding (RFC 9112 section 6.1)");
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx) {
    disarm();
    deadline = ctx.executor().schedule(() -> {
      deadline = null;
      onTimeout.run();
      ctx.channel().close();
    }, deadlineMillis, TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
