package nettboot.core.redfish;

import java.time.Duration;

/**
 * Deadlines and retry bounds.
 *
 * <ul>
 *   <li>{@code connectTimeout}: a TCP connection is established within it (a BMC that never
 *       accepts fails after it); {@code handshakeTimeout}: the TLS handshake completes within it
 *       (a port that accepts but never speaks TLS fails after it).
 *   <li>{@code requestTimeout}: the BMC answers each request within it; the first request (the
 *       service root, a small static resource) within {@code firstContactTimeout} when shorter.
 *   <li>Retries: a known transient error is tried at most {@code maxAttempts} times, {@code
 *       retryDelay} apart (or the BMC's Retry-After, capped by {@code maxWait}); a transport
 *       failure is retried only after the BMC has answered once in this run (a BMC that never
 *       answered is not helped by asking again); no attempt starts after {@code
 *       operationTimeout} from the first one of that request.
 *   <li>A task monitor is followed for at most {@code taskTimeout}; a re-read that must show a
 *       change is tried {@code verifyAttempts} times.
 *   <li>{@code nodeTimeout}: the whole flow for one node; when it passes, nothing more is sent
 *       to that BMC (the node fails at the step it was in).
 * </ul>
 */
public record RedfishOptions(Duration requestTimeout, Duration connectTimeout, int maxAttempts,
    Duration retryDelay, Duration maxWait, Duration taskTimeout, int verifyAttempts, Duration handshakeTimeout,
    Duration firstContactTimeout, Duration operationTimeout, Duration nodeTimeout) {

  public RedfishOptions {
    if (maxAttempts < 1 || verifyAttempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    for (Duration d : new Duration[] {requestTimeout, connectTimeout, handshakeTimeout, firstContactTimeout,
        operationTimeout, nodeTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("deadlines must be positive");
      }
    }
  }

  /** The seven classic bounds; handshake 10 s, first contact 15 s, operation 3 min, node 30 min. */
  public RedfishOptions(Duration requestTimeout, Duration connectTimeout, int maxAttempts, Duration retryDelay,
      Duration maxWait, Duration taskTimeout, int verifyAttempts) {
    this(requestTimeout, connectTimeout, maxAttempts, retryDelay, maxWait, taskTimeout, verifyAttempts,
        Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofMinutes(3), Duration.ofMinutes(30));
  }

  /**
   * Production defaults: BMCs are slow to answer but quick to accept: connect 5 s, TLS handshake
   * 10 s, service root 15 s, 30 s per request, 6 attempts 2 s apart within 3 min, tasks 10 min,
   * 30 min per node.
   */
  public static RedfishOptions defaults() {
    return new RedfishOptions(Duration.ofSeconds(30), Duration.ofSeconds(5), 6, Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofMinutes(10), 10, Duration.ofSeconds(10), Duration.ofSeconds(15),
        Duration.ofMinutes(3), Duration.ofMinutes(30));
  }

  public RedfishOptions withRequestTimeout(Duration d) {
    return new RedfishOptions(d, connectTimeout, maxAttempts, retryDelay, maxWait, taskTimeout, verifyAttempts,
        handshakeTimeout, firstContactTimeout, operationTimeout, nodeTimeout);
  }

  public RedfishOptions withRetryDelay(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, d, maxWait, taskTimeout, verifyAttempts,
        handshakeTimeout, firstContactTimeout, operationTimeout, nodeTimeout);
  }

  public RedfishOptions withMaxWait(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, retryDelay, d, taskTimeout, verifyAttempts,
        handshakeTimeout, firstContactTimeout, operationTimeout, nodeTimeout);
  }

  public RedfishOptions withTaskTimeout(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, retryDelay, maxWait, d, verifyAttempts,
        handshakeTimeout, firstContactTimeout, operationTimeout, nodeTimeout);
  }

  /** Connect, TLS handshake and first-contact deadlines. */
  public RedfishOptions withContactTimeouts(Duration connect, Duration handshake, Duration firstContact) {
    return new RedfishOptions(requestTimeout, connect, maxAttempts, retryDelay, maxWait, taskTimeout, verifyAttempts,
        handshake, firstContact, operationTimeout, nodeTimeout);
  }

  /** The per-request (with its retries) and per-node deadlines. */
  public RedfishOptions withDeadlines(Duration operation, Duration node) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, retryDelay, maxWait, taskTimeout,
        verifyAttempts, handshakeTimeout, firstContactTimeout, operation, node);
  }
}
