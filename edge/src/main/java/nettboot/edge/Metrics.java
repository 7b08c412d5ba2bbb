package nettboot.edge;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus metrics of the edge, kept lock-free (LongAdder) so event loops never contend, and
 * rendered in the text exposition format.
 */
public final class Metrics {
  /** Upper bounds of the boot-decision latency histogram, in seconds. */
  private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25, 0.5, 1, 2.5, 5};

  private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> handshakeFailures = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> decisions = new ConcurrentHashMap<>();
  private final LongAdder[] decisionBuckets = new LongAdder[BUCKETS.length + 1];
  private final LongAdder decisionCount = new LongAdder();
  private final LongAdder decisionNanos = new LongAdder();
  private final LongAdder artifactBytes = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> talosEvents = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> protocolErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> bootLookupsRefused = new ConcurrentHashMap<>();

  public Metrics() {
    for (int i = 0; i < decisionBuckets.length; i++) {
      decisionBuckets[i] = new LongAdder();
    }
  }

  public void request(String listener, String endpoint, int status, String tenant) {
    String key = "listener=\"" + listener + "\",endpoint=\"" + endpoint + "\",status=\"" + status
        + "\",tenant=\"" + (tenant == null ? "" : tenant) + "\"";
    requests.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  public void handshakeFailure(String listener, String kind) {
    handshakeFailures.computeIfAbsent("listener=\"" + listener + "\",kind=\"" + kind + "\"",
        k -> new LongAdder()).increment();
  }

  /** A connection cut for an HTTP protocol error (malformed request, framing, request-head deadline). */
  public void protocolError(String listener, String kind) {
    protocolErrors.computeIfAbsent("listener=\"" + listener + "\",kind=\"" + kind + "\"",
        k -> new LongAdder()).increment();
  }

  /** A boot lookup refused (429) by the per-address or per-tenant budget. */
  public void bootLookupRefused(String limit) {
    bootLookupsRefused.computeIfAbsent("limit=\"" + limit + "\"", k -> new LongAdder()).increment();
  }

  public void decision(String outcome, long nanos) {
    decisions.computeIfAbsent("outcome=\"" + outcome + "\"", k -> new LongAdder()).increment();
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) {
      i++;
    }
    decisionBuckets[i].increment();
    decisionCount.increment();
    decisionNanos.add(nanos);
  }

  /** One event received on the Talos events sink, by outcome (attributed, unattributed, …). */
  public void talosEvent(String outcome) {
    talosEvents.computeIfAbsent("outcome=\"" + outcome + "\"", k -> new LongAdder()).increment();
  }

  public void artifactBytes(long n) {
    artifactBytes.add(n);
  }

  /** The text exposition format (version 0.0.4). */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    counter(sb, "nettboot_http_requests_total",
        "HTTP requests by listener, endpoint, status and tenant.", requests);
    counter(sb, "nettboot_tls_handshake_failures_total",
        "TLS handshakes that failed (no or untrusted client certificate, TLS protocol errors, timeouts).",
        handshakeFailures);
    counter(sb, "nettboot_http_protocol_errors_total",
        "HTTP connections failed or cut for a protocol error (malformed request, framing, slow request head).",
        protocolErrors);
    counter(sb, "nettboot_boot_lookups_refused_total",
        "Boot lookups refused with 429 by the per-address or per-tenant budget.", bootLookupsRefused);
    counter(sb, "nettboot_boot_decisions_total", "Boot decisions by outcome.", decisions);
    counter(sb, "nettboot_talos_events_total",
        "Talos events-sink events by outcome (attributed, unattributed, ambiguous, invalid, installed,"
        + " install_failed, error).", talosEvents);
    sb.append("# HELP nettboot_boot_decision_seconds Time from request to boot answer.\n")
        .append("# TYPE nettboot_boot_decision_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += decisionBuckets[i].sum();
      sb.append("nettboot_boot_decision_seconds_bucket{le=\"")
          .append(java.math.BigDecimal.valueOf(BUCKETS[i]).toPlainString()).append("\"} ")
          .append(cumulative).append('\n');
    }
    cumulative += decisionBuckets[BUCKETS.length].sum();
    sb.append("nettboot_boot_decision_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    sb.append("nettboot_boot_decision_seconds_sum ").append(decisionNanos.sum() / 1e9).append('\n');
    sb.append("nettboot_boot_decision_seconds_count ").append(decisionCount.sum()).append('\n');
    sb.append("# HELP nettboot_artifact_bytes_total Artifact bytes sent.\n")
        .append("# TYPE nettboot_artifact_bytes_total counter\n")
        .append("nettboot_artifact_bytes_total ").append(artifactBytes.sum()).append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help,
      Map<String, LongAdder> series) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(series).entrySet()) {
      sb.append(name).append('{').append(e.getKey()).append("} ").append(e.getValue().sum())
          .append('\n');
    }
  }
}
