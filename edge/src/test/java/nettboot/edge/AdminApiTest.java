package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real mTLS: validation, lifecycle, history, concurrency, authorisation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = newFixture(tmp);
    f.profileFor("acme");
  }

  /** The SQLite-backed server; subclasses run the same tests on another store. */
  EdgeFixture newFixture(Path tmp) {
    return new EdgeFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private HttpResponse<Buffer> raw(HttpMethod m, String path, String body) {
    var req = f.admin().requestAbs(m, f.adminUrl(path)).putHeader("content-type", "application/json");
    return await(body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void enrolmentCanonicalisesIdsAndRefusesDuplicatesWith409() {
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.POST, "/v1/admin/machines", new JsonObject()
        .put("uuid", "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE").put("macs", new JsonArray().add("52-54-00-00-00-AA"))
        .put("tenant", "acme").put("role", "controlplane").put("profile", "p-acme"));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject m = r.bodyAsJsonObject();
    assertThat(m.getString("uuid")).isEqualTo("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    assertThat(m.getJsonArray("macs").getString(0)).isEqualTo("52:54:00:00:00:aa");
    assertThat(m.getString("state")).isEqualTo("New");

    HttpResponse<Buffer> dupMac = f.adminJson(HttpMethod.POST, "/v1/admin/machines", new JsonObject()
        .put("macs", new JsonArray().add("5254000000aa")).put("tenant", "globex").put("role", "worker"));
    assertThat(dupMac.statusCode()).isEqualTo(409);
    assertThat(dupMac.bodyAsJsonObject().getString("error")).contains("52:54:00:00:00:aa");

    HttpResponse<Buffer> byMac = f.adminJson(HttpMethod.GET, "/v1/admin/machines/52:54:00:00:00:AA", null);
    assertThat(byMac.statusCode()).isEqualTo(200);
    assertThat(byMac.bodyAsJsonObject().getString("key")).isEqualTo(m.getString("key"));
  }

  @Test
  void badInputIsA400NamingTheFieldAndChangesNothing() {
    assertThat(raw(HttpMethod.POST, "/v1/admin/machines", "{not json").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> noRole = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-000000000001\",\"tenant\":\"acme\"}");
    assertThat(noRole.statusCode()).isEqualTo(400);
    assertThat(noRole.bodyAsJsonObject().getString("field")).isEqualTo("role");
    HttpResponse<Buffer> badMac = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"macs\":[\"52:54:00:00:00:01\",\"zz\"],\"tenant\":\"acme\",\"role\":\"worker\"}");
    assertThat(badMac.bodyAsJsonObject().getString("field")).isEqualTo("macs[1]");
    HttpResponse<Buffer> wrongType = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"uuid\":42,\"tenant\":\"acme\",\"role\":\"worker\"}");
    assertThat(wrongType.bodyAsJsonObject().getString("field")).isEqualTo("uuid");
    HttpResponse<Buffer> foreignProfile = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-000000000002\",\"tenant\":\"globex\",\"role\":\"worker\",\"profile\":\"p-acme\"}");
    assertThat(foreignProfile.statusCode()).isEqualTo(400);
    assertThat(foreignProfile.bodyAsJsonObject().getString("field")).isEqualTo("profile");
    // nothing was enrolled by any of these
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/52:54:00:00:00:01", null).statusCode()).isEqualTo(404);
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/aaaaaaaa-bbbb-4ccc-8ddd-000000000002", null).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownStatesAreA400AndIllegalTransitionsA409ListingTheLegalOnes() {
    f.enroll("acme", "aaaaaaaa-bbbb-4ccc-8ddd-000000000010", null);
    HttpResponse<Buffer> unknown = raw(HttpMethod.PUT, "/v1/admin/machines/aaaaaaaa-bbbb-4ccc-8ddd-000000000010/state",
        "{\"state\":\"Rebooting\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getString("field")).isEqualTo("state");
    HttpResponse<Buffer> illegal = raw(HttpMethod.PUT, "/v1/admin/machines/aaaaaaaa-bbbb-4ccc-8ddd-000000000010/state",
        "{\"state\":\"Active\"}");
    assertThat(illegal.statusCode()).isEqualTo(409);
    JsonObject b = illegal.bodyAsJsonObject();
    assertThat(b.getString("state")).isEqualTo("New");
    assertThat(b.getJsonArray("legal").getList()).containsExactly("Provisioning", "Maintenance", "Decommission");
  }

  @Test
  void everyTransitionIsInTheHistoryWithTheCertificateSubjectAsActor() {
    String id = "aaaaaaaa-bbbb-4ccc-8ddd-000000000020";
    f.enroll("acme", id, null, "Provisioning", "Active", "Reprovision");
    JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
        .bodyAsJsonObject().getJsonArray("history");
    assertThat(h.size()).isEqualTo(4);
    assertThat(h.getJsonObject(0).getValue("from")).isNull();
    assertThat(h.getJsonObject(0).getString("to")).isEqualTo("New");
    assertThat(h.getJsonObject(3).getString("from")).isEqualTo("Active");
    assertThat(h.getJsonObject(3).getString("to")).isEqualTo("Reprovision");
    assertThat(h.getJsonObject(3).getString("actor")).contains("CN=operator").contains("OU=admin");
    assertThat(h.getJsonObject(3).getString("reason")).isEqualTo("test");
  }

  @Test
  void ofTwoConcurrentConflictingTransitionsExactlyOneWins() {
    for (int round = 0; round < 10; round++) {
      String id = String.format("aaaaaaaa-bbbb-4ccc-8ddd-%012d", 1000 + round);
      JsonObject m = f.enroll("acme", id, null, "Provisioning", "Active");
      long v = m.getLong("version");
      WebClient a = f.admin();
      WebClient b = f.admin();
      Future<HttpResponse<Buffer>> toReprovision = a.putAbs(f.adminUrl("/v1/admin/machines/" + id + "/state"))
          .putHeader("if-match", "\"" + v + "\"").sendJsonObject(new JsonObject().put("state", "Reprovision"));
      Future<HttpResponse<Buffer>> toMaintenance = b.putAbs(f.adminUrl("/v1/admin/machines/" + id + "/state"))
          .putHeader("if-match", "\"" + v + "\"").sendJsonObject(new JsonObject().put("state", "Maintenance"));
      List<Integer> codes = new ArrayList<>(List.of(await(toReprovision).statusCode(),
          await(toMaintenance).statusCode()));
      assertThat(codes).as("round " + round).containsExactlyInAnyOrder(200, 409);
      JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
          .bodyAsJsonObject().getJsonArray("history");
      assertThat(h.size()).as("one history row for the winner").isEqualTo(4);
    }
  }

  @Test
  void oversizedBodiesAre413() {
    String big = "{\"reason\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    HttpResponse<Buffer> r = raw(HttpMethod.POST, "/v1/admin/machines", big);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void tenantCertificatesAreForbidden() {
    HttpResponse<Buffer> r = f.get(f.tenant("acme"), f.adminUrl("/v1/admin/machines"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).contains("admin certificates only");
  }

  @Test
  void theOpenApiDocumentIsServed() throws Exception {
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.GET, "/v1/admin/openapi.yaml", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).startsWith("openapi: 3.1.0").contains("/v1/admin/machines/{id}/state");
    // The one contract in git, byte for byte.
    assertThat(r.body().getBytes()).isEqualTo(java.nio.file.Files.readAllBytes(Path.of("../docs/openapi.yaml")));
  }

  @Test
  void profilesNeedUploadedArtifacts() {
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.PUT, "/v1/admin/profiles/missing", new JsonObject()
        .put("tenant", "acme").put("kernel", "nope").put("initrd", "initrd.img"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("kernel");
  }

  @Test
  void listsFilterByTenant() {
    f.enroll("acme", "aaaaaaaa-bbbb-4ccc-8ddd-000000000030", null);
    JsonArray all = f.adminJson(HttpMethod.GET, "/v1/admin/machines?tenant=acme", null)
        .bodyAsJsonObject().getJsonArray("machines");
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("tenant"))).containsOnly("acme");
    JsonArray none = f.adminJson(HttpMethod.GET, "/v1/admin/machines?tenant=nobody", null)
        .bodyAsJsonObject().getJsonArray("machines");
    assertThat(none).isEmpty();
  }
}
