package nettboot.edge;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import nettboot.core.error.ConflictException;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.IllegalTransitionException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.StorageFullException;
import nettboot.core.error.TooLargeException;
import nettboot.core.error.UnavailableException;
import nettboot.core.machine.MachineState;

/**
 * Maps domain errors to HTTP at the edge: status and a one-line message. Anything that is not a
 * domain error is a bug: it is logged with its stack trace and the client sees only
 * "internal error" and the request id.
 */
final class HttpErrors {
  private HttpErrors() {}

  /** The status of a domain error; anything else is a bug: 500. */
  static int status(Throwable t) {
    return t instanceof NettBootException e ? status(e) : 500;
  }

  /** Exhaustive over the sealed kinds: a new kind does not compile until it is given a status. */
  static int status(NettBootException e) {
    return switch (e) {
      case InvalidInputException x -> 400;
      case ForbiddenException x -> 403;
      case NotFoundException x -> 404;
      case ConflictException x -> 409;
      case IllegalTransitionException x -> 409;
      case TooLargeException x -> 413;
      case UnavailableException x -> 503;
      case StorageFullException x -> 507;
    };
  }

  static boolean isDomain(Throwable t) {
    return t instanceof NettBootException;
  }

  /** A one-line, client-safe message. */
  static String message(Throwable t, String requestId) {
    if (!isDomain(t)) {
      return "internal error (request id " + requestId + ")";
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replace('\n', ' ').replace('\r', ' ');
  }

  /** Plain-text answer for the boot and config listeners (iPXE shows the body on errors). */
  static void sendText(HttpServerResponse response, int status, String line) {
    if (response.headWritten() || response.ended()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end(line + "\n");
  }

  /** JSON answer for the admin API: {"error": ..., "field": ..., "state": ..., "legal": [...]}. */
  static void sendJson(HttpServerResponse response, Throwable t, String requestId) {
    if (response.headWritten() || response.ended()) {
      return;
    }
    JsonObject body = new JsonObject().put("error", message(t, requestId)).put("requestId", requestId);
    if (t instanceof InvalidInputException e && e.field() != null) {
      body.put("field", e.field());
    }
    if (t instanceof InvalidInputException e && !e.details().isEmpty()) {
      body.put("details", new JsonArray(new java.util.ArrayList<>(e.details())));
    }
    if (t instanceof IllegalTransitionException e) {
      JsonArray legal = new JsonArray();
      for (MachineState s : MachineState.values()) {
        if (e.legal().contains(s)) {
          legal.add(s.wireName());
        }
      }
      body.put("state", e.from().wireName()).put("requested", e.to().wireName()).put("legal", legal);
    }
    sendJson(response, status(t), body);
  }

  static void sendJson(HttpServerResponse response, int status, Object body) {
    if (response.headWritten() || response.ended()) {
      return;
    }
    String text = body instanceof JsonObject o ? o.encodePrettily()
        : body instanceof JsonArray a ? a.encodePrettily() : String.valueOf(body);
    response.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(text + "\n");
  }
}
