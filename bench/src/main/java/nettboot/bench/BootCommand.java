package nettboot.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import nettboot.cli.AdminClient;
import nettboot.cli.AdminOptions;
import nettboot.cli.Await;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.io.SecureFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench boot}: boot decisions against a server someone else started, for a duration, with
 * the storm's load generator ({@link StormLoad}); the machines are enrolled through the admin API.
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
    description = {"Boot-decision load: C concurrent clients ask GET /v1/boot/{id} for distinct",
        "enrolled machines for D seconds, with a tenant certificate over TLS 1.2",
        "(ECDHE-ECDSA-AES128-GCM-SHA256, as iPXE 2.0). --new-connections opens a fresh TLS",
        "connection per request (a reboot storm: every iPXE handshakes); otherwise connections",
        "are kept alive. Enrols the machines (state Provisioning) through the admin API first."})
final class BootCommand implements Runnable {
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
    Target target = Target.of("--boot-url", bootUrl, admin.pki(), tenant);
    enrol();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      StormLoad load = new StormLoad(vertx, target);
      HttpClient client = load.client(!newConnections, connections);
      StormLoad.Result warm = run(load, client, Duration.ofSeconds(warmup));
      StormLoad.Result run = run(load, client, Duration.ofSeconds(duration));
      System.out.printf("bench boot: %s, %d connections, %d machines, %d s (after %d s warm-up: %d requests)%n",
          newConnections ? "new TLS connection per request" : "keep-alive", connections, machines,
          duration, warmup, warm.ok.sum());
      System.out.printf("  requests ok     %d%n", run.ok.sum());
      System.out.printf("  errors          %s%n", run.errorText());
      System.out.printf("  throughput      %.0f req/s%n", run.ok.sum() / run.seconds());
      System.out.printf("  latency ms      p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
          run.pctMs(50), run.pctMs(99), run.pctMs(99.9), run.maxMs());
      client.close();
    } finally {
      Await.result(vertx.close(), Duration.ofSeconds(10), "closing");
    }
  }

  private StormLoad.Result run(StormLoad load, HttpClient client, Duration d) {
    Future<StormLoad.Result> r = load.closedLoopFor(d, connections,
        i -> load.get(client, "/v1/boot/" + StormLab.machineId(i % machines), null, 200));
    return Await.result(r, d.plusSeconds(120), "the load");
  }

  /** Enrols the benchmark machines (idempotent) in Provisioning with a tiny profile. */
  private void enrol() {
    try (AdminClient c = admin.connect()) {
      Path tmp = Files.createTempFile("nettboot-bench", ".bin");
      Files.writeString(tmp, "bench artifact\n", StandardCharsets.US_ASCII);
      c.putFile("/v1/admin/artifacts/bench-kernel", tmp, SecureFiles.sha256(tmp));
      c.putFile("/v1/admin/artifacts/bench-initrd", tmp, SecureFiles.sha256(tmp));
      Files.delete(tmp);
      c.put("/v1/admin/profiles/bench-" + tenant, new JsonObject().put("tenant", tenant)
          .put("kernel", "bench-kernel").put("initrd", "bench-initrd").put("cmdline", "talos.platform=metal"));
      for (int i = 0; i < machines; i++) {
        String id = StormLab.machineId(i);
        try {
          c.get("/v1/admin/machines/" + id);
        } catch (NotFoundException e) {
          c.post("/v1/admin/machines", new JsonObject().put("uuid", id).put("tenant", tenant)
              .put("role", "worker").put("profile", "bench-" + tenant));
          c.put("/v1/admin/machines/" + id + "/state", new JsonObject().put("state", "Provisioning"));
        }
        if ((i + 1) % 500 == 0) {
          System.err.printf("enrolled %d/%d machines%n", i + 1, machines);
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException("bench", "cannot write a temp file: " + e.getMessage());
    }
  }
}
