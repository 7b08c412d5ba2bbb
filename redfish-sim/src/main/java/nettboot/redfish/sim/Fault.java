package nettboot.redfish.sim;

import java.util.Locale;
import nettboot.core.error.InvalidInputException;

/**
 * One injected fault. Text form {@code KIND[:N]}: {@code latency:MS} (every request delayed),
 * {@code 5xx:N} (every Nth request answers 503 with Retry-After), {@code drop:N} (every Nth request's
 * connection is closed unanswered), {@code hang:N} (every Nth request is never answered),
 * {@code stale-etag} (the first conditional PATCH of each resource gets 412), {@code task[:MS]}
 * (actions and PATCHes answer 202 with a task monitor finishing after MS), {@code no-sessions}
 * (no SessionService: basic authentication only).
 */
public record Fault(Kind kind, long value) {
  public enum Kind { LATENCY, STATUS_5XX, DROP, HANG, STALE_ETAG, TASK, NO_SESSIONS }

  public static final String SYNTAX = "latency:MS, 5xx:N, drop:N, hang:N, stale-etag, task[:MS], no-sessions";

  public static Fault parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String kind = colon < 0 ? t : t.substring(0, colon);
    Long n = null;
    if (colon >= 0) {
      try {
        n = Long.parseLong(t.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("fault", "'" + text + "': the value after ':' must be a number");
      }
      if (n < 1) {
        throw new InvalidInputException("fault", "'" + text + "': the value must be at least 1");
      }
    }
    return switch (kind) {
      case "latency" -> new Fault(Kind.LATENCY, need(n, text));
      case "5xx" -> new Fault(Kind.STATUS_5XX, need(n, text));
      case "drop" -> new Fault(Kind.DROP, need(n, text));
      case "hang" -> new Fault(Kind.HANG, need(n, text));
      case "stale-etag" -> new Fault(Kind.STALE_ETAG, 1);
      case "task" -> new Fault(Kind.TASK, n == null ? 300 : n);
      case "no-sessions" -> new Fault(Kind.NO_SESSIONS, 1);
      default -> throw new InvalidInputException("fault", "unknown fault '" + text + "'; expected " + SYNTAX);
    };
  }

  private static long need(Long n, String text) {
    if (n == null) {
      throw new InvalidInputException("fault", "'" + text + "' needs a value, e.g. " + text + ":3");
    }
    return n;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case LATENCY -> "latency:" + value;
      case STATUS_5XX -> "5xx:" + value;
      case DROP -> "drop:" + value;
      case HANG -> "hang:" + value;
      case STALE_ETAG -> "stale-etag";
      case TASK -> "task:" + value;
      case NO_SESSIONS -> "no-sessions";
    };
  }
}
