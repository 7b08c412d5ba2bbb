package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Requests to one BMC: authentication header, a deadline on every request, bounded retries of
 * transient failures, and a record of every attempt in the report. A response with any status is
 * a success of the returned future; it fails (with a {@link StepFailure}) only when no usable
 * response arrived.
 */
final class RedfishHttp {
  private final Vertx vertx;
  private final WebClient client;
  private final BmcTarget target;
  private final RedfishOptions options;
  private final ReportBuilder report;
  private String authHeader;
  private String authName;

  RedfishHttp(Vertx vertx, WebClient client, BmcTarget target, RedfishOptions options, ReportBuilder report) {
    this.vertx = vertx;
    this.client = client;
    this.target = target;
    this.options = options;
    this.report = report;
  }

  void useToken(String token) {
    authName = "X-Auth-Token";
    authHeader = token;
  }

  void useBasic() {
    String pair = target.credentials().user() + ":" + target.credentials().password();
    authName = "Authorization";
    authHeader = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  boolean authenticated() {
    return authHeader != null;
  }

  BmcCredentials credentials() {
    return target.credentials();
  }

  RedfishOptions options() {
    return options;
  }

  ReportBuilder report() {
    return report;
  }

  Future<RedfishResponse> get(String step, String path) {
    return send(step, HttpMethod.GET, path, null, null, null);
  }

  /**
   * Sends with retries. {@code bodyForLog} replaces the body in the report (for secrets); null
   * means the body itself is recorded.
   */
  Future<RedfishResponse> send(String step, HttpMethod method, String path, JsonObject body, String ifMatch,
      String bodyForLog) {
    String described = method + " " + path + (body == null ? ""
        : " " + (bodyForLog != null ? bodyForLog : body.encode()));
    return attempt(step, method, path, body, ifMatch, described, 1, System.nanoTime());
  }

  private Future<RedfishResponse> attempt(String step, HttpMethod method, String path, JsonObject body,
      String ifMatch, String described, int n, long startNanos) {
    return once(method, path, body, ifMatch).transform(ar -> {
      String attemptNote = n > 1 ? "attempt " + n : "";
      if (ar.succeeded()) {
        RedfishResponse r = ar.result();
        Optional<String> transientReason = TransientErrors.of(r);
        boolean again = transientReason.isPresent() && (n < options.maxAttempts()
            || (TransientErrors.lastsLong(transientReason.get())
                && System.nanoTime() - startNanos < options.taskTimeout().toNanos()));
        if (again) {
          report.record(step, described, r.status(), r.bmcSaid(), join(attemptNote, "retrying: " + transientReason.get()));
          report.quirk(transientReason.get() + ": retried");
          return sleep(retryWait(r)).compose(v -> attempt(step, method, path, body, ifMatch, described, n + 1, startNanos));
        }
        report.record(step, described, r.status(), r.bmcSaid(), attemptNote);
        return Future.succeededFuture(r);
      }
      TransientErrors.Transport t = TransientErrors.of(ar.cause(), options.requestTimeout().toMillis());
      if (t.transientFailure() && n < options.maxAttempts()) {
        report.record(step, described, 0, t.reason(), join(attemptNote, "retrying"));
        return sleep(options.retryDelay())
            .compose(v -> attempt(step, method, path, body, ifMatch, described, n + 1, startNanos));
      }
      report.record(step, described, 0, t.reason(), join(attemptNote, t.transientFailure() ? "giving up" : ""));
      String why = t.transientFailure() ? t.reason() + " (after " + n + " attempts)" : t.reason();
      return Future.failedFuture(new StepFailure(step, why));
    });
  }

  private Future<RedfishResponse> once(HttpMethod method, String path, JsonObject body, String ifMatch) {
    long timeout = options.requestTimeout().toMillis();
    HttpRequest<Buffer> req = client.requestAbs(method, absolute(path))
        .timeout(timeout)
        .putHeader("Accept", "application/json")
        .putHeader("OData-Version", "4.0");
    if (authHeader != null) {
      req.putHeader(authName, authHeader);
    }
    if (ifMatch != null) {
      req.putHeader("If-Match", ifMatch);
    }
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    // the client's own timeout covers connect and response; this is the hard backstop
    return sent.timeout(timeout + options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .map(RedfishHttp::toResponse);
  }

  String absolute(String pathOrUrl) {
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      URI u = URI.create(pathOrUrl);
      // never follow a BMC to another host with our credentials
      return target.url() + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }
    return target.url() + (pathOrUrl.startsWith("/") ? "" : "/") + pathOrUrl;
  }

  private static RedfishResponse toResponse(HttpResponse<Buffer> r) {
    Buffer b = r.body();
    String raw = b == null ? "" : b.toString(StandardCharsets.UTF_8);
    JsonObject json = new JsonObject();
    if (!raw.isBlank()) {
      try {
        Object parsed = io.vertx.core.json.Json.decodeValue(raw);
        if (parsed instanceof JsonObject o) {
          json = o;
        }
      } catch (DecodeException e) {
        // not JSON: kept as raw text for the report
      }
    }
    Long retryAfter = null;
    String ra = r.getHeader("Retry-After");
    if (ra != null) {
      try {
        retryAfter = Long.parseLong(ra.trim());
      } catch (NumberFormatException e) {
        retryAfter = null; // HTTP-date form: use our own delay
      }
    }
    return new RedfishResponse(r.statusCode(), r.getHeader("ETag"), r.getHeader("Location"),
        r.getHeader("X-Auth-Token"), retryAfter, json, raw);
  }

  Duration retryWait(RedfishResponse r) {
    if (r.retryAfterSeconds() != null) {
      Duration d = Duration.ofSeconds(Math.max(0, r.retryAfterSeconds()));
      return d.compareTo(options.maxWait()) > 0 ? options.maxWait() : d;
    }
    return options.retryDelay();
  }

  Future<Void> sleep(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return Future.succeededFuture();
    }
    return vertx.timer(d.toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : a + "; " + b;
  }
}
