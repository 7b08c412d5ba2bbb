package nettboot.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Per-request bookkeeping: the request id (client's X-Request-Id when it is safe, else a fresh
 * one), the tenant or admin once known, and the access-log line and request metric at the end.
 */
final class RequestScope {
  static final String KEY = "nettboot.scope";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  final String id;
  final String listener;
  final long startNanos = System.nanoTime();
  String endpoint = "other";
  String tenant;
  String actor;
  String note;
  /** The tenants an admin certificate is limited to; empty when it sees every tenant. */
  java.util.Optional<java.util.Set<String>> tenants = java.util.Optional.empty();

  private RequestScope(String id, String listener) {
    this.id = id;
    this.listener = listener;
  }

  static RequestScope of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** First handler of every router. */
  static void install(RoutingContext ctx, String listener, EdgeServices services) {
    HttpServerRequest req = ctx.request();
    String given = req.getHeader("x-request-id");
    String id = given != null && SAFE_ID.matcher(given).matches() ? given
        : Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    RequestScope scope = new RequestScope(id, listener);
    ctx.put(KEY, scope);
    ctx.response().putHeader("x-request-id", id);
    ctx.addEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      services.metrics().request(listener, scope.endpoint, status, scope.tenant);
      if (services.config().accessLog()) {
        services.log().info("http_request", JsonLog.fields(
            "request_id", id,
            "listener", listener,
            "method", req.method().name(),
            "path", req.path(), // never the query: config tokens travel there
            "status", status,
            "tenant", scope.tenant,
            "actor", scope.actor,
            "remote", req.remoteAddress() == null ? null : req.remoteAddress().hostAddress(),
            "duration_ms", (System.nanoTime() - scope.startNanos) / 1e6,
            "note", scope.note));
      }
    });
    ctx.next();
  }
}
