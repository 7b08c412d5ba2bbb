package nettboot.core.redfish;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Follows a 202 Accepted to its end: polls the task monitor (Location) honouring Retry-After
 * (capped), until it answers with something other than 202 or the task reaches a final state, or
 * the task deadline passes.
 */
final class TaskMonitor {
  private static final Set<String> RUNNING = Set.of("New", "Starting", "Running", "Suspended", "Interrupted",
      "Pending", "Stopping", "Service");
  private static final Set<String> FAILED = Set.of("Exception", "Killed", "Cancelled", "Cancelling");

  private final RedfishHttp http;

  TaskMonitor(RedfishHttp http) {
    this.http = http;
  }

  /** Completes with the final response when {@code r} is 202, else with {@code r} itself. */
  Future<RedfishResponse> settle(String step, RedfishResponse r) {
    if (r.status() != 202) {
      return Future.succeededFuture(r);
    }
    String monitor = r.location() != null ? r.location() : r.body().getString("@odata.id");
    if (monitor == null) {
      http.report().capability("task-monitors", "missing", "202 Accepted without Location or @odata.id");
      http.report().quirk("202 Accepted without a task monitor: assumed done, verified by re-reading");
      return Future.succeededFuture(r);
    }
    http.report().quirk("202 Accepted: task monitor followed");
    http.report().capability("task-monitors", "used", "202 Accepted with a task monitor (" + step + ")");
    long deadline = System.nanoTime() + http.options().taskTimeout().toNanos();
    return poll(step, monitor, r, deadline);
  }

  private Future<RedfishResponse> poll(String step, String monitor, RedfishResponse last, long deadline) {
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(new StepFailure(step, "task " + monitor + " did not finish within "
          + http.options().taskTimeout().toSeconds() + " s"));
    }
    http.report().progress(step + ": waiting for task " + monitor);
    return http.sleep(http.retryWait(last)).compose(v -> http.get(step, monitor)).compose(r -> {
      String state = r.body().getString("TaskState");
      if (r.status() == 202 || (r.success() && state != null && RUNNING.contains(state))) {
        return poll(step, monitor, r, deadline);
      }
      if (!r.success()) {
        throw new StepFailure(step, "task failed (HTTP " + r.status() + "): " + r.bmcSaid());
      }
      if (state != null && FAILED.contains(state)) {
        throw new StepFailure(step, "task ended " + state + ": " + messages(r.body()));
      }
      return Future.succeededFuture(r);
    });
  }

  private static String messages(JsonObject task) {
    List<String> out = new ArrayList<>();
    JsonArray m = task.getJsonArray("Messages");
    if (m != null) {
      for (Object o : m) {
        if (o instanceof JsonObject j) {
          out.add(j.getString("Message", j.getString("MessageId", "")));
        }
      }
    }
    return out.isEmpty() ? task.getString("TaskStatus", "no message") : String.join(" / ", out);
  }
}
