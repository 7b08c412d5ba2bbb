package nettboot.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of one server, in one Micrometer Prometheus registry: the domain metrics
 * ({@code nettboot_*}, names and labels are a contract with dashboards) and, when the server's
 * Vert.x instance is built by {@link #newVertx}, the standard JVM, process, Netty and Vert.x ones
 * (HTTP requests by route template, connections, event-loop queues, worker pools). No label ever
 * carries a machine id, a raw path or a client address.
 */
public final class Metrics {
  /** Upper bounds of the boot-decision latency histogram. */
  private static final Duration[] BUCKETS = seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);

  /**
   * Labels Vert.x may put on its meters. Not {@code remote} (one value per machine address) and
   * not {@code path} (machine ids): HTTP requests are counted by route template instead.
   */
  private static final EnumSet<Label> VERTX_LABELS = EnumSet.of(Label.LOCAL, Label.HTTP_METHOD,
      Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME, Label.CLIENT_NAME,
      Label.NAMESPACE);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Meters by their label values, so the hot paths skip Micrometer's id lookup. */
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer decisionTime;
  private final Counter artifactBytes;
  private final AtomicLong buffered = new AtomicLong();

  public Metrics() {
    decisionTime = Timer.builder("nettboot.boot.decision")
        .description("Time from request to boot answer.")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    artifactBytes = Counter.builder("nettboot.artifact.bytes").description("Artifact bytes sent.")
        .register(registry);
    Gauge.builder("nettboot.artifact.buffered", buffered, AtomicLong::get).baseUnit("bytes")
        .description("Plaintext artifact bytes read from files and not yet written to a socket.")
        .register(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * A Vert.x instance that reports into this registry: HTTP server requests (by listener address,
   * method, status and route template), connections, bytes, event-loop pending tasks, Netty's
   * allocator, worker pools, and the JVM (memory, GC, threads, class loading, CPU, uptime).
   */
  public Vertx newVertx(VertxOptions options) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // the library keeps registries by name in a JVM-wide map: one name per server
        .setRegistryName("nettboot-" + java.util.UUID.randomUUID())
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setNettyMetricsEnabled(true)
        .setLabels(VERTX_LABELS);
    return Vertx.builder().with(new VertxOptions(options).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  public void request(String listener, String endpoint, int status, String tenant) {
    String t = tenant == null ? "" : tenant;
    counter(listener + '\n' + endpoint + '\n' + status + '\n' + t, "nettboot.http.requests",
        "HTTP requests by listener, endpoint, status and tenant.",
        "listener", listener, "endpoint", endpoint, "status", Integer.toString(status), "tenant", t)
        .increment();
  }

  public void handshakeFailure(String listener, String kind) {
    counter("tls\n" + listener + '\n' + kind, "nettboot.tls.handshake.failures",
        "TLS handshakes that failed (no or untrusted client certificate, protocol errors, timeouts).",
        "listener", listener, "kind", kind).increment();
  }

  /** A connection cut for an HTTP protocol error (malformed request, framing, request-head deadline). */
  public void protocolError(String listener, String kind) {
    counter("proto\n" + listener + '\n' + kind, "nettboot.http.protocol.errors",
        "HTTP connections failed or cut for a protocol error (malformed request, framing, slow request head).",
        "listener", listener, "kind", kind).increment();
  }

  /** A revoked client certificate refused, at the handshake or on a request of an older connection. */
  public void revokedRefused(String listener, String stage) {
    counter("revoked\n" + listener + '\n' + stage, "nettboot.revoked.certificates.refused",
        "Client certificates refused because they are revoked, by listener and stage (handshake, request).",
        "listener", listener, "stage", stage).increment();
  }

  /** A boot lookup refused (429) by the per-address or per-tenant budget. */
  public void bootLookupRefused(String limit) {
    counter("refused\n" + limit, "nettboot.boot.lookups.refused",
        "Boot lookups refused with 429 by the per-address or per-tenant budget.", "limit", limit)
        .increment();
  }

  public void decision(String outcome, long nanos) {
    counter("decision\n" + outcome, "nettboot.boot.decisions", "Boot decisions by outcome.",
        "outcome", outcome).increment();
    decisionTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** One event received on the Talos events sink, by outcome (attributed, unattributed, …). */
  public void talosEvent(String outcome) {
    counter("talos\n" + outcome, "nettboot.talos.events",
        "Talos events-sink events by outcome (attributed, unattributed, ambiguous, invalid, installed,"
        + " install_failed, error).", "outcome", outcome).increment();
  }

  public void artifactBytes(long n) {
    artifactBytes.increment(n);
  }

  /** Artifact plaintext read into memory (positive) or written out (negative). */
  void buffered(long delta) {
    buffered.addAndGet(delta);
  }

  /** Artifact plaintext read from files and not yet written to a socket. */
  long bufferedBytes() {
    return buffered.get();
  }

  /** The text exposition format (version 0.0.4). */
  public String render() {
    return registry.scrape();
  }

  private Counter counter(String key, String name, String help, String... tags) {
    Counter c = counters.get(key);
    if (c == null) {
      c = counters.computeIfAbsent(key,
          k -> Counter.builder(name).description(help).tags(tags).register(registry));
    }
    return c;
  }

  private static Duration[] seconds(double... s) {
    Duration[] d = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
    }
    return d;
  }
}
