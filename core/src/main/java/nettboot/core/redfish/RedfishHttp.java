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
  private static final long WAITING_NOTE_MS = 5000;
  private String authHeader;
  private String authName;
  /** the BMC has answered at least once in this run */
  private boolean answered;
  /** why no more requests are sent, or null */
  private volatile String stopped;

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

  /** The BMC for messages. */
  String bmc() {
    return target.display();
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

  /** Ends the run: no request is sent after this (a node deadline passed). */
  void stop(String why) {
    stopped = why;
  }

  /**
   * Sends with retries. {@code bodyForLog} replaces the body in the report (for secrets); null
   * means the body itself is recorded.
   */
  Future<RedfishResponse> send(String step, HttpMethod method, String path, JsonObject body, String ifMatch,
      String bodyForLog) {
    String logged = body == null ? null : bodyForLog != null ? bodyForLog : body.encode();
    String described = method + " " + path + (logged == null ? "" : " " + logged);
    report.step(step);
    return attempt(new Call(step, method, path, body, ifMatch, described, logged), 1, System.nanoTime());
  }

  private record Call(String step, HttpMethod method, String path, JsonObject body, String ifMatch,
      String described, String logged) {}

  private Future<RedfishResponse> attempt(Call c, int n, long startNanos) {
    if (stopped != null) {
      return Future.failedFuture(new StepFailure(c.step(), stopped));
    }
    boolean firstContact = !answered;
    return once(c.method(), c.path(), c.body(), c.ifMatch(), firstContact).transform(ar -> {
      String attemptNote = n > 1 ? "attempt " + n : "";
      boolean inTime = System.nanoTime() - startNanos < options.operationTimeout().toNanos();
      if (ar.succeeded()) {
        answered = true;
        RedfishResponse r = ar.result();
        StepRecord.Exchange ex = exchange(c, r);
        Optional<String> transientReason = TransientErrors.of(r);
        boolean again = transientReason.isPresent() && inTime && (n < options.maxAttempts()
            || (TransientErrors.lastsLong(transientReason.get())
                && System.nanoTime() - startNanos < options.taskTimeout().toNanos()));
        if (again && stopped == null) {
          report.record(c.step(), c.described(), r.status(), r.bmcSaid(),
              join(attemptNote, "retrying: " + transientReason.get()), ex);
          report.quirk(transientReason.get() + ": retried");
          Duration wait = retryWait(r);
          report.progress(c.step() + ": " + transientReason.get() + "; retrying in " + wait.toMillis() + " ms");
          return sleep(wait).compose(v -> attempt(c, n + 1, startNanos));
        }
        report.record(c.step(), c.described(), r.status(), r.bmcSaid(), attemptNote, ex);
        return Future.succeededFuture(r);
      }
      long timeout = (firstContact ? firstContactTimeout() : options.requestTimeout()).toMillis();
      TransientErrors.Transport t = TransientErrors.of(ar.cause(), timeout, target.url().getScheme(), options);
      StepRecord.Exchange ex = exchange(c, null);
      // a BMC that has never answered in this run is not helped by asking again
      boolean retry = t.transientFailure() && answered && inTime && n < options.maxAttempts() && stopped == null;
      if (retry) {
        report.record(c.step(), c.described(), 0, t.reason(), join(attemptNote, "retrying"), ex);
        report.progress(c.step() + ": " + t.reason() + "; retrying in " + options.retryDelay().toMillis() + " ms");
        return sleep(options.retryDelay()).compose(v -> attempt(c, n + 1, startNanos));
      }
      String why = t.reason() + (n > 1 ? " (after " + n + " attempts)" : "");
      report.record(c.step(), c.described(), 0, t.reason(), join(attemptNote, n > 1 ? "giving up" : ""), ex);
      return Future.failedFuture(new StepFailure(c.step(), why));
    });
  }

  private StepRecord.Exchange exchange(Call c, RedfishResponse r) {
    return new StepRecord.Exchange(c.method().name(), Odata.path(absolute(c.path())), c.ifMatch(), c.logged(),
        r == null ? null : r.effectiveEtag(), r == null ? null : r.location());
  }

  private Duration firstContactTimeout() {
    return options.firstContactTimeout().compareTo(options.requestTimeout()) < 0
        ? options.firstContactTimeout() : options.requestTimeout();
  }

  private Future<RedfishResponse> once(HttpMethod method, String path, JsonObject body, String ifMatch,
      boolean firstContact) {
    long timeout = (firstContact ? firstContactTimeout() : options.requestTimeout()).toMillis();
    HttpRequest<Buffer> req = client.requestAbs(method, absolute(path))
        // getting a connection is TCP connect plus TLS handshake, each bounded by the client's own
        // options (which name the phase that failed); this only backs them up
        .connectTimeout(options.connectTimeout().toMillis() + options.handshakeTimeout().toMillis() + 500)
        .idleTimeout(timeout)
        .putHeader("Accept", "application/json")
        .putHeader("OData-Version", "4.0");
    if (authHeader != null) {
      req.putHeader(authName, authHeader);
    }
    if (ifMatch != null) {
      req.putHeader("If-Match", ifMatch);
    }
    long started = System.nanoTime();
    long waitingTimer = vertx.setPeriodic(WAITING_NOTE_MS, id -> report.progress("waiting for the BMC to answer "
        + method + " " + path + " (" + (System.nanoTime() - started) / 1_000_000_000L + " s)"));
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    // the client's own timeouts cover connect, handshake and response; this is the hard backstop
    return sent.timeout(timeout + options.connectTimeout().toMillis() + options.handshakeTimeout().toMillis() + 1000,
            TimeUnit.MILLISECONDS)
        .onComplete(ar -> vertx.cancelTimer(waitingTimer))
        .map(RedfishHttp::toResponse);
  }

  /**
   * The URL for a path the BMC gave (or a well-known one): always this BMC's scheme, host and
   * port, never another host; under the BMC's path prefix unless the path already carries it.
   */
  String absolute(String pathOrUrl) {
    String path = pathOrUrl;
    String query = "";
    if (pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")) {
      URI u = URI.create(pathOrUrl);
      // never follow a BMC to another host with our credentials
      path = u.getRawPath();
      query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String prefix = target.prefix();
    if (!prefix.isEmpty() && !(path.equals(prefix) || path.startsWith(prefix + "/"))) {
      path = prefix + path;
    }
    String base = target.url().toString();
    return base.substring(0, base.length() - prefix.length()) + path + query;
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
