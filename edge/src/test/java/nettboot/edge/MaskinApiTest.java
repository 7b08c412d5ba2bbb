package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maskin's side of the admin API over real mTLS: the idempotent provision call, the event feed
 * (long poll and server-sent events, resumed with {@code after}), and a service certificate limited
 * to one tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskinApiTest {
  EdgeFixture f;
  WebClient maskin;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = newFixture(tmp, c -> c.withAdminTenants(Map.of("maskin", Set.of("acme"))));
    f.ca.issueAdmin("maskin");
    f.profileFor("acme");
    f.profileFor("globex");
    maskin = f.client(f.options(f.ca.adminCertPath("maskin"), f.ca.adminKeyPath("maskin")));
  }

  EdgeFixture newFixture(Path tmp, java.util.function.UnaryOperator<EdgeConfig> tweak) {
    return new EdgeFixture(tmp, null, Duration.ZERO, s -> s, tweak);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  HttpResponse<Buffer> provision(WebClient c, String id, String key, JsonObject body) {
    var r = c.postAbs(f.adminUrl("/v1/admin/machines/" + id + "/provision"));
    if (key != null) {
      r.putHeader("Idempotency-Key", key);
    }
    return await(r.sendJsonObject(body));
  }

  @Test
  void provisionEnrolsOnceAndARetryWithTheSameKeyGetsTheSameAnswer() {
    String id = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("tenant", "acme").put("role", "worker").put("profile", "p-acme");
    HttpResponse<Buffer> first = provision(maskin, id, "k-" + id, body);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(first.bodyAsJsonObject().getJsonArray("changed")).containsExactly("enrolled");
    HttpResponse<Buffer> replay = provision(maskin, id, "k-" + id, body);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(replay.getHeader("idempotent-replayed")).isEqualTo("true");

    HttpResponse<Buffer> reused = provision(maskin, id, "k-" + id, body.copy().put("role", "controlplane"));
    assertThat(reused.statusCode()).isEqualTo(400);
    assertThat(reused.bodyAsString()).contains("Idempotency-Key");

    HttpResponse<Buffer> again = provision(maskin, id, null, body);
    assertThat(again.statusCode()).as("a second call changes nothing").isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getJsonArray("changed")).isEmpty();
    assertThat(again.bodyAsJsonObject().getJsonObject("machine").getString("state")).isEqualTo("New");
    JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
        .bodyAsJsonObject().getJsonArray("history");
    assertThat(h).as("enrolled exactly once").hasSize(1);
  }

  @Test
  void provisionOfAnInstalledMachineReprovisionsItAndStoresTheConfigCheckedAgainstTheSchema() {
    String id = UUID.randomUUID().toString();
    f.enroll("acme", id, null, "Provisioning", "Active");
    HttpResponse<Buffer> bad = provision(maskin, id, null, new JsonObject().put("role", "worker")
        .put("config", "version: v1alpha1\nmachine: 7\n"));
    assertThat(bad.statusCode()).as(bad.bodyAsString()).isEqualTo(400);
    HttpResponse<Buffer> r = provision(maskin, id, null, new JsonObject().put("role", "worker"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonObject("machine").getString("state")).isEqualTo("Reprovision");
    assertThat(r.bodyAsJsonObject().getJsonArray("changed")).containsExactly("state");
  }

  @Test
  void aLimitedServiceCertificateSeesAndChangesOnlyItsTenants() {
    String foreign = UUID.randomUUID().toString();
    f.enroll("globex", foreign, null);
    HttpResponse<Buffer> show = await(maskin.getAbs(f.adminUrl("/v1/admin/machines/" + foreign)).send());
    assertThat(show.statusCode()).as("another tenant's machine is unknown").isEqualTo(404);
    HttpResponse<Buffer> move = await(maskin.putAbs(f.adminUrl("/v1/admin/machines/" + foreign + "/state"))
        .sendJsonObject(new JsonObject().put("state", "Maintenance")));
    assertThat(move.statusCode()).isEqualTo(404);
    assertThat(provision(maskin, UUID.randomUUID().toString(), null, new JsonObject().put("tenant", "globex")
        .put("role", "worker")).statusCode()).isEqualTo(403);
    HttpResponse<Buffer> list = await(maskin.getAbs(f.adminUrl("/v1/admin/machines")).send());
    assertThat(list.bodyAsJsonObject().getJsonArray("machines").stream()
        .map(m -> ((JsonObject) m).getString("tenant"))).containsOnly("acme");
    assertThat(await(maskin.getAbs(f.adminUrl("/v1/admin/machines?tenant=globex")).send()).statusCode())
        .isEqualTo(403);
    assertThat(await(maskin.putAbs(f.adminUrl("/v1/admin/artifacts/x")).sendBuffer(Buffer.buffer("x")))
        .statusCode()).isEqualTo(403);
    JsonObject events = await(maskin.getAbs(f.adminUrl("/v1/admin/events?after=0&wait=0")).send()).bodyAsJsonObject();
    assertThat(events.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("tenant")))
        .containsOnly("acme");
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + foreign, null).statusCode())
        .as("an unlimited admin sees it").isEqualTo(200);
  }

  @Test
  void theLongPollAnswersEveryChangeInOrderAndResumesAfterTheLastId() throws Exception {
    JsonObject all = f.adminJson(HttpMethod.GET, "/v1/admin/events?after=0&wait=0", null).bodyAsJsonObject();
    long last = drain(all.getLong("last"));
    String id = UUID.randomUUID().toString();
    var waiting = f.admin().getAbs(f.adminUrl("/v1/admin/events?after=" + last + "&wait=30")).send();
    f.enroll("acme", id, null, "Provisioning", "Active");
    JsonObject page = await(waiting).bodyAsJsonObject();
    assertThat(page.getJsonArray("events")).isNotEmpty();
    JsonObject firstEvent = page.getJsonArray("events").getJsonObject(0);
    assertThat(firstEvent.getLong("id")).isEqualTo(last + 1);
    assertThat(firstEvent.getString("machine")).isEqualTo(id);
    assertThat(firstEvent.getString("to")).isEqualTo("New");
    // resume after what was seen: the rest, in order, no repeats
    List<String> states = new java.util.ArrayList<>();
    page.getJsonArray("events").forEach(e -> states.add(((JsonObject) e).getString("to")));
    long cursor = page.getLong("last");
    while (states.size() < 3) {
      JsonObject more = f.adminJson(HttpMethod.GET, "/v1/admin/events?after=" + cursor + "&wait=10", null)
          .bodyAsJsonObject();
      more.getJsonArray("events").forEach(e -> states.add(((JsonObject) e).getString("to")));
      cursor = more.getLong("last");
    }
    assertThat(states).containsExactly("New", "Provisioning", "Active");
  }

  @Test
  void theEventStreamDeliversChangesAsServerSentEventsWithTheirIds() throws Exception {
    long last = drain(0);
    HttpClient http = f.vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(f.ca.rootCertPath().toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(f.ca.adminCertPath("operator").toString())
            .setKeyPath(f.ca.adminKeyPath("operator").toString())));
    LinkedBlockingQueue<String> chunks = new LinkedBlockingQueue<>();
    HttpClientResponse res = await(http.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setAbsoluteURI(f.adminUrl("/v1/admin/events?after=" + last)).putHeader("accept", "text/event-stream"))
        .compose(req -> req.send()));
    assertThat(res.getHeader("content-type")).isEqualTo("text/event-stream");
    res.handler(b -> chunks.add(b.toString()));
    String id = UUID.randomUUID().toString();
    f.enroll("acme", id, null, "Provisioning");
    StringBuilder seen = new StringBuilder();
    Pattern event = Pattern.compile("id: (\\d+)\nevent: machine\ndata: (\\{.*\\})\n\n");
    List<Long> ids = new java.util.ArrayList<>();
    List<String> to = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (to.size() < 2 && System.nanoTime() < deadline) {
      String c = chunks.poll(1, TimeUnit.SECONDS);
      if (c == null) {
        continue;
      }
      seen.append(c);
      Matcher m = event.matcher(seen);
      ids.clear();
      to.clear();
      while (m.find()) {
        ids.add(Long.parseLong(m.group(1)));
        JsonObject data = new JsonObject(m.group(2));
        assertThat(data.getString("machine")).isEqualTo(id);
        to.add(data.getString("to"));
      }
    }
    assertThat(to).containsExactly("New", "Provisioning");
    assertThat(ids).containsExactly(last + 1, last + 2);
    await(http.close());
  }

  /** The id of the newest event. */
  long drain(long after) {
    long cursor = after;
    while (true) {
      JsonObject page = f.adminJson(HttpMethod.GET, "/v1/admin/events?after=" + cursor + "&wait=0", null)
          .bodyAsJsonObject();
      if (page.getJsonArray("events").isEmpty()) {
        return cursor;
      }
      cursor = page.getLong("last");
    }
  }
}
