package nettboot.core.redfish;

import java.time.Duration;

/**
 * Deadlines and retry bounds. Every request has {@code requestTimeout}; a request failing with a
 * known transient error is tried at most {@code maxAttempts} times, {@code retryDelay} apart (or
 * the BMC's Retry-After, capped by {@code maxWait}); a task monitor is followed for at most
 * {@code taskTimeout}; a re-read that must show a change is tried {@code verifyAttempts} times.
 */
public record RedfishOptions(Duration requestTimeout, Duration connectTimeout, int maxAttempts,
    Duration retryDelay, Duration maxWait, Duration taskTimeout, int verifyAttempts) {

  public RedfishOptions {
    if (maxAttempts < 1 || verifyAttempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }

  /** Production defaults: BMCs are slow; 30 s per request, 6 attempts 2 s apart, tasks 10 min. */
  public static RedfishOptions defaults() {
    return new RedfishOptions(Duration.ofSeconds(30), Duration.ofSeconds(10), 6, Duration.ofSeconds(2),
        Duration.ofSeconds(10), Duration.ofMinutes(10), 10);
  }

  public RedfishOptions withRequestTimeout(Duration d) {
    return new RedfishOptions(d, connectTimeout, maxAttempts, retryDelay, maxWait, taskTimeout, verifyAttempts);
  }

  public RedfishOptions withRetryDelay(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, d, maxWait, taskTimeout, verifyAttempts);
  }

  public RedfishOptions withMaxWait(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, retryDelay, d, taskTimeout, verifyAttempts);
  }

  public RedfishOptions withTaskTimeout(Duration d) {
    return new RedfishOptions(requestTimeout, connectTimeout, maxAttempts, retryDelay, maxWait, d, verifyAttempts);
  }
}
