package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * PATCH with If-Match: re-reads the resource for a fresh ETag first, sends it, and on 412 (someone
 * changed it in between, or the ETag was stale) reads and tries again, a bounded number of times.
 * BMCs without ETags get a PATCH without If-Match (noted).
 */
final class ConditionalPatch {
  static final int MAX_412 = 3;
  private final RedfishHttp http;
  private final TaskMonitor tasks;

  ConditionalPatch(RedfishHttp http, TaskMonitor tasks) {
    this.http = http;
    this.tasks = tasks;
  }

  /** The final response (after task monitors); any status, the caller judges it. */
  Future<RedfishResponse> patch(String step, String uri, JsonObject body) {
    return attempt(step, uri, body, 1);
  }

  private Future<RedfishResponse> attempt(String step, String uri, JsonObject body, int n) {
    return http.get(step, uri).compose(current -> {
      if (!current.success()) {
        throw new StepFailure(step, "cannot read " + uri + " (HTTP " + current.status() + "): " + current.bmcSaid());
      }
      String etag = current.effectiveEtag();
      if (etag == null) {
        http.report().quirk("no ETag on " + uri + ": PATCH sent without If-Match");
      }
      return http.send(step, HttpMethod.PATCH, uri, body, etag, null);
    }).compose(r -> {
      if (r.status() == 412 && n < MAX_412) {
        http.report().quirk("412 Precondition Failed (stale ETag): re-read and retried");
        return attempt(step, uri, body, n + 1);
      }
      if (r.status() == 412) {
        throw new StepFailure(step, "ETag kept changing: 412 Precondition Failed " + n + " times");
      }
      return tasks.settle(step, r);
    });
  }
}
