package nettboot.edge;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Puts {@link StrictRequestDecoder} (request-head deadline, no Content-Length with
 * Transfer-Encoding) in place of Vert.x's decoder on every HTTP/1.x connection of a listener.
 * Vert.x offers neither rule as an option, so this reaches into the connection's Netty pipeline;
 * it runs when the connection is set up, before any request byte has been decoded.
 */
final class ConnectionGuard {
  private static final String DECODER = "httpDecoder";

  private ConnectionGuard() {}

  static void install(HttpConnection connection, HttpServerOptions options, long deadlineMillis,
      Runnable onTimeout) {
    if (!(connection instanceof io.vertx.core.net.impl.ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get(DECODER) instanceof VertxHttpRequestDecoder
        && !(pipeline.get(DECODER) instanceof StrictRequestDecoder)) {
      pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options, deadlineMillis, onTimeout));
    }
  }
}
