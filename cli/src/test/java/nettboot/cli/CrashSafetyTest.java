package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import nettboot.core.pki.EmbeddedCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server while transitions are being acknowledged loses none of them: every
 * transition a client saw succeed is in the history after a restart (SQLite, synchronous=FULL).
 */
class CrashSafetyTest {
  static final String UUID = "c0ffee00-0000-4000-8000-000000000001";

  @Test
  void killMinus9LosesNoAcknowledgedTransition(@TempDir Path tmp) throws Exception {
    Path pki = tmp.resolve("pki");
    EmbeddedCa ca = EmbeddedCa.init(pki, "boot.crash.test", List.of("::1"), java.time.Clock.systemUTC());
    ca.issueAdmin("operator");
    Path data = tmp.resolve("data");
    ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();

    try (ChildJvm server = start(tmp, "run1", pki, data)) {
      String url = adminUrl(server);
      try (AdminClient c = new AdminClient(url, ca.rootCertPath(), ca.adminCertPath("operator"), ca.adminKeyPath("operator"))) {
        c.post("/v1/admin/machines", new JsonObject().put("uuid", UUID).put("tenant", "acme").put("role", "worker"));
        c.put("/v1/admin/machines/" + UUID + "/state", new JsonObject().put("state", "Provisioning"));
      }
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(1);
      pool.submit(() -> {
        try (AdminClient c = new AdminClient(url, ca.rootCertPath(), ca.adminCertPath("operator"), ca.adminKeyPath("operator"))) {
          String[] cycle = {"Maintenance", "Provisioning"};
          for (int i = 0; !stop.get(); i++) {
            try {
              JsonObject m = c.put("/v1/admin/machines/" + UUID + "/state",
                  new JsonObject().put("state", cycle[i % 2]).put("reason", "cycle " + i));
              acknowledged.add(m.getLong("version"));
            } catch (RuntimeException e) {
              return; // the server died under us: this one was never acknowledged
            }
          }
        }
        return;
      });
      // Let transitions flow, then pull the plug in the middle of them.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acknowledged.size() < 40 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      server.kill9();
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);

    try (ChildJvm server = start(tmp, "run2", pki, data);
         AdminClient c = new AdminClient(adminUrl(server), ca.rootCertPath(), ca.adminCertPath("operator"), ca.adminKeyPath("operator"))) {
      JsonArray h = c.get("/v1/admin/machines/" + UUID + "/history").getJsonArray("history");
      Set<Long> versions = new HashSet<>();
      for (int i = 0; i < h.size(); i++) {
        versions.add(h.getJsonObject(i).getLong("version"));
      }
      assertThat(versions).containsAll(acknowledged);
      JsonObject m = c.get("/v1/admin/machines/" + UUID);
      assertThat(m.getLong("version")).isGreaterThanOrEqualTo(acknowledged.stream().mapToLong(Long::longValue).max().orElseThrow());
    }
  }

  private static ChildJvm start(Path tmp, String name, Path pki, Path data) throws Exception {
    ChildJvm server = new ChildJvm(tmp.resolve(name + ".log"), "serve", "--pki", pki.toString(), "--data", data.toString(),
        "--boot-listen", "[::1]:0", "--config-listen", "[::1]:0", "--admin-listen", "[::1]:0",
        "--ops-listen", "[::1]:0", "--event-loops", "2");
    server.await(l -> l.contains("\"event\":\"server_started\""), Duration.ofSeconds(90));
    return server;
  }

  private static String adminUrl(ChildJvm server) throws Exception {
    String line = server.await(l -> l.contains("\"event\":\"server_started\""), Duration.ofSeconds(1));
    return "https://" + new JsonObject(line).getString("admin");
  }
}
