package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.testsupport.Futures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The boot listener over real mTLS sockets on [::1]. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BootListenerTest {
  static final String[] TENANTS = {"acme", "globex", "initech"};
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = newFixture(tmp);
    for (String t : TENANTS) {
      f.profileFor(t);
    }
  }

  /** The SQLite-backed server; subclasses run the same tests on another store. */
  EdgeFixture newFixture(Path tmp) {
    return new EdgeFixture(tmp);
  }

  @AfterAll
  void stop() {
    f.close();
  }

  static String uuid(int tenant, int n) {
    return String.format("00000000-0000-4000-8000-%06d%06d", tenant + 1, n + 1);
  }

  static String mac(int tenant, int n) {
    return String.format("52:54:00:%02x:00:%02x", tenant + 1, n + 1);
  }

  @Test
  void anIpxeLikeTls12ClientGetsANetbootScriptPointingAtTheAddressItConnectedTo() {
    f.enroll("acme", "4c4c4544-0042-3510-8052-b4c04f4d3232", "52:54:00:aa:bb:01", "Provisioning");
    HttpResponse<Buffer> r = f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/4C4C4544-0042-3510-8052-B4C04F4D3232"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/plain");
    String script = r.bodyAsString();
    assertThat(script).startsWith("#!ipxe\n");
    String base = "https://[::1]:" + f.server.bootPort() + "/v1/artifacts/";
    assertThat(script).contains("kernel --timeout 30000 " + base + "vmlinuz ")
        .contains("initrd --timeout 30000 --name initrd " + base + "initrd.img")
        .contains("talos.halt_if_installed=1").contains("\nexit 1\n");
    // The same machine by MAC, in iPXE's ${mac:hexhyp} spelling.
    HttpResponse<Buffer> byMac = f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/52-54-00-aa-bb-01"));
    assertThat(byMac.statusCode()).isEqualTo(200);
    assertThat(byMac.bodyAsString()).startsWith("#!ipxe");
  }

  @Test
  void tenantsSeeOnlyTheirOwnMachinesAndForeignMachinesLookExactlyLikeUnknownOnes() {
    for (int t = 0; t < TENANTS.length; t++) {
      for (int n = 0; n < 2; n++) {
        f.enroll(TENANTS[t], uuid(t, n), mac(t, n), "Provisioning");
      }
    }
    HttpResponse<Buffer> unknown = f.get(f.tenant("acme"), f.bootUrl("/v1/boot/" + uuid(9, 9)));
    assertThat(unknown.statusCode()).isEqualTo(404);
    int checked = 0;
    for (int asTenant = 0; asTenant < TENANTS.length; asTenant++) {
      WebClient c = f.tenant(TENANTS[asTenant]);
      for (int owner = 0; owner < TENANTS.length; owner++) {
        for (int n = 0; n < 2; n++) {
          for (String id : List.of(uuid(owner, n), mac(owner, n))) {
            HttpResponse<Buffer> r = f.get(c, f.bootUrl("/v1/boot/" + id));
            if (owner == asTenant) {
              assertThat(r.statusCode()).as(TENANTS[asTenant] + " asks for own " + id).isEqualTo(200);
              assertThat(r.bodyAsString()).startsWith("#!ipxe").contains("tenant " + TENANTS[owner]);
            } else {
              assertThat(r.statusCode()).as(TENANTS[asTenant] + " asks for " + TENANTS[owner] + "'s " + id)
                  .isEqualTo(404);
              assertThat(r.bodyAsString()).isEqualTo(unknown.bodyAsString());
              assertThat(new java.util.TreeSet<>(r.headers().names())).isEqualTo(new java.util.TreeSet<>(unknown.headers().names()));
            }
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(3 * 3 * 2 * 2);
    f.awaitLog("\"event\":\"boot_cross_tenant\"");
    assertThat(f.logs()).contains("\"owner_tenant\":\"globex\"");
  }

  @Test
  void malformedIdsGetA400WithOneLineAndNeverReachAScript() {
    for (String bad : List.of("not-an-id", "00000000-0000-0000-0000-000000000000",
        "%24%7Buuid%7D", "52:54:00:aa:bb", "aa%0Achain%20http%3A%2F%2Fevil")) {
      HttpResponse<Buffer> r = f.get(f.tenant("acme"), f.bootUrl("/v1/boot/" + bad));
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      String body = r.bodyAsString();
      assertThat(body).as(bad).doesNotContain("#!ipxe").doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(body.strip()).as(bad).doesNotContain("\n").startsWith("id:");
    }
  }

  @Test
  void maintenanceAndDecommissionBootTheTenantsProfilesAndAreRefusedWithoutThem() {
    f.enroll("globex", "11111111-2222-4333-8444-555555555555", null, "Maintenance");
    HttpResponse<Buffer> held = f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-555555555555"));
    assertThat(held.statusCode()).as("refused, not sent to its disk").isEqualTo(200);
    assertThat(held.bodyAsString()).contains("refused: machine is in Maintenance but tenant globex has no"
        + " rescue profile").doesNotContain("exit").doesNotContain("kernel");
    f.enroll("globex", "11111111-2222-4333-8444-888888888888", null, "Decommission");
    assertThat(f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-888888888888")).bodyAsString())
        .contains("no secure-erase profile").doesNotContain("exit");

    HttpResponse<Buffer> set = f.adminJson(io.vertx.core.http.HttpMethod.PUT, "/v1/admin/tenants/globex/settings",
        new io.vertx.core.json.JsonObject().put("rescueProfile", "p-globex").put("eraseProfile", "p-globex"));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    String rescue = f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-555555555555")).bodyAsString();
    assertThat(rescue).contains("# nett-boot: rescue").contains("/v1/artifacts/vmlinuz ");
    assertThat(f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-555555555555")).bodyAsString())
        .as("rescue boots every time").contains("# nett-boot: rescue");

    f.enroll("globex", "11111111-2222-4333-8444-666666666666", null, "Provisioning", "Active");
    assertThat(f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-666666666666")).statusCode())
        .as("Active boots its disk").isEqualTo(404);

    f.enroll("globex", "11111111-2222-4333-8444-777777777777", null, "Decommission");
    String first = f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-777777777777")).bodyAsString();
    assertThat(first).contains("# nett-boot: erase").contains("profile p-globex");
    String second = f.get(f.tenant("globex"), f.bootUrl("/v1/boot/11111111-2222-4333-8444-777777777777")).bodyAsString();
    assertThat(second).contains("poweroff").doesNotContain("exit");
  }

  @Test
  void theFirstBootOfANewMachineInstallsAndStartsProvisioning() {
    String id = "55555555-2222-4333-8444-555555555555";
    f.enroll("acme", id, null);
    HttpResponse<Buffer> r = f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + id));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).contains("talos.halt_if_installed=1");
    JsonObject m = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id, null).bodyAsJsonObject();
    assertThat(m.getString("state")).isEqualTo("Provisioning");
    io.vertx.core.json.JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
        .bodyAsJsonObject().getJsonArray("history");
    assertThat(h.getJsonObject(h.size() - 1).getString("actor")).isEqualTo("system:boot-listener");
    // The next boot is an install again, still Provisioning (no reinstall loop, no Active).
    assertThat(f.get(f.ipxeLike("acme"), f.bootUrl("/v1/boot/" + id)).bodyAsString()).contains("halt_if_installed");
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id, null).bodyAsJsonObject().getString("state"))
        .isEqualTo("Provisioning");
  }

  @Test
  void aNewMachineWithoutAProfileBootsItsDisk() {
    String id = "66666666-2222-4333-8444-555555555555";
    HttpResponse<Buffer> e = f.adminJson(HttpMethod.POST, "/v1/admin/machines",
        new JsonObject().put("uuid", id).put("tenant", "acme").put("role", "worker"));
    assertThat(e.statusCode()).isEqualTo(201);
    assertThat(f.get(f.tenant("acme"), f.bootUrl("/v1/boot/" + id)).statusCode()).isEqualTo(404);
  }

  @Test
  void reprovisionServesTheWipeExactlyOnceThenInstalls() {
    String id = "22222222-2222-4333-8444-555555555555";
    f.enroll("initech", id, null, "Provisioning", "Active", "Reprovision");
    String wipe = f.get(f.ipxeLike("initech"), f.bootUrl("/v1/boot/" + id)).bodyAsString();
    assertThat(wipe).contains("talos.experimental.wipe=system").doesNotContain("halt_if_installed");
    for (int i = 0; i < 3; i++) {
      String install = f.get(f.ipxeLike("initech"), f.bootUrl("/v1/boot/" + id)).bodyAsString();
      assertThat(install).contains("talos.halt_if_installed=1").doesNotContain("wipe=system");
    }
    JsonObject m = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id, null).bodyAsJsonObject();
    assertThat(m.getString("state")).as("serving scripts never marks a machine installed").isEqualTo("Reprovision");
  }

  @Test
  void concurrentBootsOfAReprovisioningMachineGetTheWipeOnlyOnce() {
    String id = "33333333-2222-4333-8444-555555555555";
    f.enroll("initech", id, null, "Provisioning", "Active", "Reprovision");
    WebClient c = f.tenant("initech");
    List<io.vertx.core.Future<HttpResponse<Buffer>>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(c.getAbs(f.bootUrl("/v1/boot/" + id)).send());
    }
    long wipes = all.stream().map(Futures::await).map(HttpResponse::bodyAsString)
        .filter(s -> s.contains("wipe=system")).count();
    assertThat(wipes).isEqualTo(1);
  }

  @Test
  void aClientWithoutACertificateFailsTheHandshake() {
    WebClient anonymous = f.client(f.options(null, null));
    Throwable t = await(anonymous.getAbs(f.bootUrl("/v1/boot/" + uuid(0, 0))).send()
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(t).as("no HTTP answer without a client certificate").isNotNull();
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAtTheHandshake(@TempDir Path other) {
    EmbeddedCa rogue = EmbeddedCa.init(other, EdgeFixture.DOMAIN, List.of("::1"), Clock.systemUTC());
    rogue.issueTenant("acme");
    WebClient c = f.client(f.options(rogue.tenantCertPath("acme"), rogue.tenantKeyPath("acme")));
    Throwable t = await(c.getAbs(f.bootUrl("/v1/boot/" + uuid(0, 0))).send()
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(t).isNotNull();
    assertThat(f.server.metrics().render())
        .containsPattern("(?m)^nettboot_tls_handshake_failures_total\\{(.*,)?listener=\"boot\"[,}].* [1-9]");
  }

  @Test
  void anExpiredCertificateOfThePlatformCaIsRefusedAtTheHandshake() {
    Clock twoYearsAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(730)), ZoneOffset.UTC);
    EmbeddedCa past = EmbeddedCa.load(f.ca.dir(), twoYearsAgo);
    past.issueAdmin("expired");
    WebClient c = f.client(f.options(f.ca.adminCertPath("expired"), f.ca.adminKeyPath("expired")));
    Throwable t = await(c.getAbs(f.adminUrl("/v1/admin/machines")).send()
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(t).isNotNull();
  }

  @Test
  void anAdminCertificateIsForbiddenOnTheBootListener() {
    HttpResponse<Buffer> r = f.get(f.admin(), f.bootUrl("/v1/boot/" + uuid(0, 0)));
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void unknownPathsAnswerOneLineWithoutStackTraces() {
    HttpResponse<Buffer> r = f.get(f.tenant("acme"), f.bootUrl("/nope"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsString().strip()).isEqualTo("not found");
  }

  @Test
  void requestsAreLoggedAsJsonWithARequestIdAndWithoutKeys() throws Exception {
    HttpResponse<Buffer> r = f.get(f.tenant("acme"), f.bootUrl("/v1/boot/" + uuid(0, 1)));
    String rid = r.getHeader("x-request-id");
    assertThat(rid).isNotBlank();
    TimeUnit.MILLISECONDS.sleep(300);
    String logs = f.logs();
    assertThat(logs).contains("\"request_id\":\"" + rid + "\"");
    for (String line : logs.split("\n")) {
      new JsonObject(line); // every line is JSON
    }
    assertThat(logs).doesNotContain("PRIVATE KEY");
  }

  @Test
  void theRealOpensslClientSendingIpxesBracketedSniOverTls12GetsAScript() throws Exception {
    String id = "44444444-2222-4333-8444-555555555555";
    f.enroll("acme", id, null, "Provisioning");
    // iPXE 2.0 sends the SNI as the bracketed literal and speaks TLS 1.2 only; the JDK engine
    // rejects that SNI, the OpenSSL engine must not.
    String request = "GET /v1/boot/" + id + " HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n";
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "[::1]:" + f.server.bootPort(),
        "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-servername", "[::1]",
        "-cert", f.ca.tenantCertPath("acme").toString(), "-key", f.ca.tenantKeyPath("acme").toString(),
        "-CAfile", f.ca.rootCertPath().toString(), "-verify_return_error", "-quiet", "-ign_eof")
        .redirectErrorStream(true).start();
    p.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(out).contains("HTTP/1.1 200 OK").contains("#!ipxe").contains("tenant acme");
  }
}
