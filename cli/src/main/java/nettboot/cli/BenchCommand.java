package nettboot.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Load generators that print numbers (no pass/fail): measure, do not assert. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure the metadata server (prints numbers; run against a server you started).",
    subcommands = {BenchCommand.Boot.class, StormCommand.class})
final class BenchCommand {

  @Command(name = "boot", mixinStandardHelpOptions = true,
      description = {"Boot-decision load: C concurrent clients ask GET /v1/boot/{id} for distinct",
          "enrolled machines for D seconds, with a tenant certificate over TLS 1.2",
          "(ECDHE-ECDSA-AES128-GCM-SHA256, as iPXE 2.0). --new-connections opens a fresh TLS",
          "connection per request (a reboot storm: every iPXE handshakes); otherwise connections",
          "are kept alive. Enrols the machines (state Provisioning) through the admin API first."})
  static final class Boot implements Runnable {
    @Mixin AdminOptions admin;

    @Option(names = "--boot-url", required = true, description = "Boot listener base URL, e.g. https://[::1]:8443")
    String bootUrl;

    @Option(names = "--tenant", defaultValue = "demo", description = "Tenant (certificate PKI/tenants/T.crt) (default: ${DEFAULT-VALUE})")
    String tenant;

    @Option(names = "--machines", defaultValue = "1000", description = "Distinct machines (default: ${DEFAULT-VALUE})")
    int machines;

    @Option(names = "--connections", defaultValue = "64", description = "Concurrent clients (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--duration", defaultValue = "10", description = "Seconds of measurement (default: ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--warmup", defaultValue = "3", description = "Seconds of warm-up first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--new-connections", description = "A new TLS connection for every request")
    boolean newConnections;

    @Override
    public void run() {
      if (machines < 1 || connections < 1 || duration < 1) {
        throw new InvalidInputException("--machines/--connections/--duration", "must be positive");
      }
      String[] ids = enrol();
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      try {
        HttpClientOptions o = new HttpClientOptions().setSsl(true).setVerifyHost(true)
            .setSslEngineOptions(new OpenSSLEngineOptions())
            .setTrustOptions(new PemTrustOptions().addCertPath(admin.pki.resolve("root-ca.crt").toString()))
            .setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(admin.pki.resolve("tenants").resolve(tenant + ".crt").toString())
                .setKeyPath(admin.pki.resolve("tenants").resolve(tenant + ".key").toString()))
            .setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
            .addEnabledCipherSuite("ECDHE-ECDSA-AES128-GCM-SHA256")
            .setKeepAlive(!newConnections)
            .setConnectTimeout(10_000);
        HttpClient client = vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(connections));
        java.net.URI base = java.net.URI.create(bootUrl);
        String host = base.getHost().replace("[", "").replace("]", "");
        Run warm = load(client, host, base.getPort(), ids, Duration.ofSeconds(warmup));
        Run run = load(client, host, base.getPort(), ids, Duration.ofSeconds(duration));
        long[] lat = run.latenciesMicros();
        System.out.printf("bench boot: %s, %d connections, %d machines, %d s (after %d s warm-up: %d requests)%n",
            newConnections ? "new TLS connection per request" : "keep-alive", connections, machines,
            duration, warmup, warm.ok.sum());
        System.out.printf("  requests ok     %d%n", run.ok.sum());
        System.out.printf("  errors          %s%n", run.errors.isEmpty() ? "0" : new TreeMap<>(run.errors));
        System.out.printf("  throughput      %.0f req/s%n", run.ok.sum() / (run.elapsedNanos / 1e9));
        System.out.printf("  latency ms      p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
            pct(lat, 50), pct(lat, 99), pct(lat, 99.9), lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0);
        client.close();
      } finally {
        Await.result(vertx.close(), Duration.ofSeconds(10), "closing");
      }
    }

    private static double pct(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1000.0;
    }

    static final class Run {
      final LongAdder ok = new LongAdder();
      final Map<String, Long> errors = new ConcurrentHashMap<>();
      final long[] latencies = new long[4_000_000];
      final AtomicLong n = new AtomicLong();
      long elapsedNanos;

      void record(long micros) {
        long i = n.getAndIncrement();
        if (i < latencies.length) {
          latencies[(int) i] = micros;
        }
      }

      long[] latenciesMicros() {
        long[] a = Arrays.copyOf(latencies, (int) Math.min(n.get(), latencies.length));
        Arrays.sort(a);
        return a;
      }
    }

    private Run load(HttpClient client, String host, int port, String[] ids, Duration d) {
      Run run = new Run();
      long end = System.nanoTime() + d.toNanos();
      CountDownLatch done = new CountDownLatch(connections);
      AtomicLong next = new AtomicLong();
      long t0 = System.nanoTime();
      for (int c = 0; c < connections; c++) {
        loop(client, host, port, ids, next, end, run, done);
      }
      try {
        done.await(d.toSeconds() + 120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      run.elapsedNanos = System.nanoTime() - t0;
      return run;
    }

    private void loop(HttpClient client, String host, int port, String[] ids, AtomicLong next, long end,
        Run run, CountDownLatch done) {
      if (System.nanoTime() >= end) {
        done.countDown();
        return;
      }
      String id = ids[(int) (next.getAndIncrement() % ids.length)];
      long start = System.nanoTime();
      client.request(new RequestOptions().setMethod(HttpMethod.GET)
              .setAbsoluteURI(bootUrl + "/v1/boot/" + id))
          .compose(req -> req.send().compose(res -> res.body().map(b -> res.statusCode())))
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result() == 200) {
              run.ok.increment();
              run.record((System.nanoTime() - start) / 1000);
            } else {
              String kind = ar.succeeded() ? "http_" + ar.result() : ar.cause().getClass().getSimpleName();
              run.errors.merge(kind, 1L, Long::sum);
            }
            loop(client, host, port, ids, next, end, run, done);
          });
    }

    /** Enrols bench machines (idempotent) in Provisioning with a tiny profile. */
    private String[] enrol() {
      String[] ids = new String[machines];
      try (AdminClient c = admin.connect()) {
        Path tmp = Files.createTempFile("nettboot-bench", ".bin");
        Files.writeString(tmp, "bench artifact\n", StandardCharsets.US_ASCII);
        c.putFile("/v1/admin/artifacts/bench-kernel", tmp, ArtifactStore.sha256(tmp));
        c.putFile("/v1/admin/artifacts/bench-initrd", tmp, ArtifactStore.sha256(tmp));
        Files.delete(tmp);
        c.put("/v1/admin/profiles/bench-" + tenant, new JsonObject().put("tenant", tenant)
            .put("kernel", "bench-kernel").put("initrd", "bench-initrd").put("cmdline", "talos.platform=metal"));
        for (int i = 0; i < machines; i++) {
          ids[i] = String.format("b0000000-0000-4000-8000-%012d", i + 1);
          try {
            c.get("/v1/admin/machines/" + ids[i]);
          } catch (NotFoundException e) {
            c.post("/v1/admin/machines", new JsonObject().put("uuid", ids[i]).put("tenant", tenant)
                .put("role", "worker").put("profile", "bench-" + tenant));
            c.put("/v1/admin/machines/" + ids[i] + "/state", new JsonObject().put("state", "Provisioning"));
          }
          if ((i + 1) % 500 == 0) {
            System.err.printf("enrolled %d/%d machines%n", i + 1, machines);
          }
        }
      } catch (java.io.IOException e) {
        throw new InvalidInputException("bench", "cannot write a temp file: " + e.getMessage());
      }
      return ids;
    }
  }
}
