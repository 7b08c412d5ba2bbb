package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import nettboot.redfish.sim.SimSettings;
import nettboot.redfish.sim.SimSnapshot;
import nettboot.redfish.sim.SimTls;
import nettboot.redfish.sim.SimulatedBmc;
import nettboot.redfish.sim.Simulator;
import nettboot.redfish.sim.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-aware lifecycle over real sockets: the server power-cycles machines through simulated
 * BMCs (pinned TLS, password from a file), Reprovision's next boot is the wipe, Maintenance and
 * Decommission boot the tenant's rescue and secure-erase profiles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PowerLifecycleTest {
  EdgeFixture f;
  Vertx bmcs;
  HttpServer media;
  Path passwordFile;
  String password = "sim-" + Long.toHexString(new java.security.SecureRandom().nextLong());
  int next = 0;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new EdgeFixture(tmp);
    f.profileFor("acme");
    for (String p : List.of("rescue", "erase")) {
      HttpResponse<Buffer> r = f.adminJson(HttpMethod.PUT, "/v1/admin/profiles/" + p + "-acme", new JsonObject()
          .put("tenant", "acme").put("kernel", "vmlinuz").put("initrd", "initrd.img").put("cmdline", p + "=1"));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    bmcs = Vertx.vertx();
    Buffer iso = Buffer.buffer(new byte[64 * 1024]);
    media = await(bmcs.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(SimTls.keyCert(f.ca)))
        .requestHandler(req -> req.response().end(iso)).listen(0, "::1"));
    passwordFile = tmp.resolve("bmc.pw");
    Files.writeString(passwordFile, password + "\n");
    HttpResponse<Buffer> s = f.adminJson(HttpMethod.PUT, "/v1/admin/tenants/acme/settings", new JsonObject()
        .put("rescueProfile", "rescue-acme").put("eraseProfile", "erase-acme").put("mediaUrl", mediaUrl()));
    assertThat(s.statusCode()).as(s.bodyAsString()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    f.close();
    await(bmcs.close());
  }

  String mediaUrl() {
    return "https://[::1]:" + media.actualPort() + "/media/acme.iso";
  }

  SimulatedBmc bmc() {
    SimSettings s = new SimSettings(VendorProfile.named("generic"), "admin", password, SimTls.keyCert(f.ca),
        List.of(), Duration.ofMillis(20), Duration.ofMillis(20));
    return await(Simulator.start(bmcs, s, "::1", 0, 1)).bmcs().get(0);
  }

  /** An Active machine of acme with a BMC recorded. */
  String activeMachineWithBmc(SimulatedBmc bmc, Path pw) throws Exception {
    String id = String.format("77777777-0000-4000-8000-%012d", ++next);
    f.enroll("acme", id, null, "Provisioning", "Active");
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + id + "/bmc", new JsonObject()
        .put("url", bmc.url()).put("certificate", Files.readString(f.ca.rootCertPath()))
        .put("user", "admin").put("passwordFile", pw.toString()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsString()).doesNotContain(password).contains("file:" + pw);
    return id;
  }

  JsonObject move(String id, String state, boolean reboot) {
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + id + "/state",
        new JsonObject().put("state", state).put("reason", "test").put("reboot", reboot));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  String boot(String id) {
    HttpResponse<Buffer> r = f.get(f.tenant("acme"), f.bootUrl("/v1/boot/" + id));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsString();
  }

  SimSnapshot bootedFromTheMedia(SimulatedBmc bmc) throws Exception {
    eventually(() -> await(bmc.snapshot()).boots().stream().anyMatch(b -> mediaUrl().equals(b.image())));
    return await(bmc.snapshot());
  }

  @Test
  void reprovisionWithRebootResetsTheMachineThroughItsBmcAndItsNextBootIsTheWipe() throws Exception {
    SimulatedBmc bmc = bmc();
    String id = activeMachineWithBmc(bmc, passwordFile);
    JsonObject m = move(id, "Reprovision", true);
    assertThat(m.getString("state")).isEqualTo("Reprovision");
    assertThat(m.getJsonObject("reboot").getBoolean("ok")).as(m.encode()).isTrue();
    SimSnapshot s = bootedFromTheMedia(bmc);
    assertThat(s.cdImage()).isEqualTo(mediaUrl());
    assertThat(s.powerState()).isEqualTo("On");
    assertThat(boot(id)).contains("talos.experimental.wipe=system");
    assertThat(boot(id)).as("then the install").contains(nettboot.core.boot.BootDecider.HALT_IF_INSTALLED);
    JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
        .bodyAsJsonObject().getJsonArray("history");
    JsonObject last = h.getJsonObject(h.size() - 1);
    assertThat(last.getString("from")).isEqualTo("Reprovision");
    assertThat(last.getString("to")).isEqualTo("Reprovision");
    assertThat(last.getString("reason")).startsWith("reboot: ok").doesNotContain(password);
  }

  @Test
  void maintenanceAndDecommissionWithRebootBootTheTenantsRescueAndEraseProfiles() throws Exception {
    SimulatedBmc bmc = bmc();
    String id = activeMachineWithBmc(bmc, passwordFile);
    assertThat(move(id, "Maintenance", true).getJsonObject("reboot").getBoolean("ok")).isTrue();
    bootedFromTheMedia(bmc);
    assertThat(boot(id)).contains("# nett-boot: rescue").contains("profile rescue-acme").contains("rescue=1");
    assertThat(move(id, "Decommission", true).getJsonObject("reboot").getBoolean("ok")).isTrue();
    assertThat(boot(id)).contains("# nett-boot: erase").contains("profile erase-acme").contains("erase=1");
    assertThat(boot(id)).as("erased once, then powered off").contains("poweroff");
  }

  @Test
  void aRebootThatCannotWorkIsRefusedBeforeTheTransitionAndAFailingBmcIsRecorded() throws Exception {
    String bare = "77777777-1111-4000-8000-000000000001";
    f.enroll("acme", bare, null, "Provisioning", "Active");
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + bare + "/state",
        new JsonObject().put("state", "Reprovision").put("reboot", true));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("no BMC enrolled");
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + bare, null).bodyAsJsonObject()
        .getString("state")).as("nothing changed").isEqualTo("Active");

    Path wrong = passwordFile.resolveSibling("wrong.pw");
    Files.writeString(wrong, "not-the-password\n");
    String id = activeMachineWithBmc(bmc(), wrong);
    JsonObject m = move(id, "Reprovision", true);
    assertThat(m.getString("state")).as("the transition stands").isEqualTo("Reprovision");
    assertThat(m.getJsonObject("reboot").getBoolean("ok")).isFalse();
    JsonArray h = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null)
        .bodyAsJsonObject().getJsonArray("history");
    assertThat(h.getJsonObject(h.size() - 1).getString("reason")).startsWith("reboot failed")
        .doesNotContain("not-the-password");
  }

  static void eventually(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
  }
}
