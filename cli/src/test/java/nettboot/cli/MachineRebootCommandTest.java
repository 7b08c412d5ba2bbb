package nettboot.cli;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.StoreLocation;
import nettboot.edge.EdgeConfig;
import nettboot.edge.EdgeServer;
import nettboot.edge.JsonLog;
import nettboot.edge.ListenAddress;
import nettboot.redfish.sim.SimSettings;
import nettboot.redfish.sim.SimTls;
import nettboot.redfish.sim.SimulatedBmc;
import nettboot.redfish.sim.Simulator;
import nettboot.redfish.sim.VendorProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path: {@code machine set-bmc}, {@code tenant settings} and
 * {@code machine state ID Reprovision --reboot} against the real server and a simulated BMC; the
 * BMC is reset with the tenant's media and the machine's next boot answer is the wipe.
 */
class MachineRebootCommandTest {

  @Test
  void reprovisionWithRebootResetsTheBmcAndTheNextBootIsTheWipe(@TempDir Path tmp) throws Exception {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.test.nett", List.of("::1"), Clock.systemUTC());
    ca.issueTenant("acme");
    ca.issueAdmin("operator");
    ListenAddress any = new ListenAddress("::1", 0);
    EdgeConfig config = EdgeConfig.of(any, any, any, any, ca.serverCertPath(), ca.serverKeyPath(),
        ca.rootCertPath(), "boot.test.nett", tmp.resolve("data/artifacts")).withEventLoops(1);
    Files.createDirectories(tmp.resolve("data"));
    EdgeServer server = EdgeServer.start(new EdgeServer.Settings(config,
        new StoreLocation.Sqlite(tmp.resolve("data")), Duration.ZERO),
        new JsonLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())), Clock.systemUTC());
    Vertx vertx = Vertx.vertx();
    try {
      String password = "pw-" + Long.toHexString(new java.security.SecureRandom().nextLong());
      Path pw = tmp.resolve("bmc.pw");
      Files.writeString(pw, password + "\n");
      SimulatedBmc bmc = await(Simulator.start(vertx, new SimSettings(VendorProfile.named("generic"), "admin",
          password, SimTls.keyCert(ca), List.of(), Duration.ofMillis(20), Duration.ofMillis(20)), "::1", 0, 1))
          .bmcs().get(0);
      HttpServer media = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true)
          .setKeyCertOptions(SimTls.keyCert(ca))).requestHandler(r -> r.response().end(Buffer.buffer(new byte[4096])))
          .listen(0, "::1"));
      String mediaUrl = "https://[::1]:" + media.actualPort() + "/media/acme.iso";
      String[] admin = {"--pki", ca.dir().toString(), "--admin-url", "https://[::1]:" + server.adminPort()};
      String uuid = "4c4c4544-0042-3510-8052-b4c04f4d3232";
      Files.writeString(tmp.resolve("k"), "kernel");
      Files.writeString(tmp.resolve("i"), "initrd");
      ok(RedfishCommandTest.run(cat(new String[] {"artifact", "put", "vmlinuz", tmp.resolve("k").toString()}, admin)));
      ok(RedfishCommandTest.run(cat(new String[] {"artifact", "put", "initrd", tmp.resolve("i").toString()}, admin)));
      for (String p : List.of("talos", "rescue", "erase")) {
        ok(RedfishCommandTest.run(cat(new String[] {"profile", "put", p, "--tenant", "acme", "--kernel", "vmlinuz",
            "--initrd", "initrd"}, admin)));
      }
      ok(RedfishCommandTest.run(cat(new String[] {"machine", "enroll", "--tenant", "acme", "--uuid", uuid,
          "--profile", "talos"}, admin)));
      ok(RedfishCommandTest.run(cat(new String[] {"machine", "state", uuid, "Provisioning"}, admin)));
      ok(RedfishCommandTest.run(cat(new String[] {"machine", "state", uuid, "Active"}, admin)));

      RedfishCommandTest.Out refused = RedfishCommandTest.run(cat(new String[] {"machine", "state", uuid,
          "Reprovision", "--reboot"}, admin));
      assertThat(refused.code()).as("no BMC yet").isEqualTo(Main.EXIT_INVALID);
      assertThat(refused.stderr()).contains("no BMC enrolled");

      ok(RedfishCommandTest.run(cat(new String[] {"machine", "set-bmc", uuid, "--url", bmc.url(),
          "--certificate", ca.rootCertPath().toString(), "--user", "admin", "--password-file", pw.toString()}, admin)));
      ok(RedfishCommandTest.run(cat(new String[] {"tenant", "settings", "acme", "--rescue-profile", "rescue",
          "--erase-profile", "erase", "--media-url", mediaUrl}, admin)));

      RedfishCommandTest.Out out = RedfishCommandTest.run(cat(new String[] {"machine", "state", uuid,
          "Reprovision", "--reboot", "--reason", "reinstall"}, admin));
      assertThat(out.code()).as(out.stdout() + out.stderr()).isEqualTo(0);
      assertThat(out.stdout()).contains(uuid + " is now Reprovision").contains("reboot: ok")
          .doesNotContain(password);
      eventually(() -> await(bmc.snapshot()).boots().stream().anyMatch(b -> mediaUrl.equals(b.image())));
      assertThat(await(bmc.snapshot()).cdImage()).isEqualTo(mediaUrl);

      WebClient tenant = WebClient.create(vertx, new WebClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(ca.rootCertPath().toString()))
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(ca.tenantCertPath("acme").toString())
              .setKeyPath(ca.tenantKeyPath("acme").toString())));
      String script = await(tenant.getAbs("https://[::1]:" + server.bootPort() + "/v1/boot/" + uuid).send())
          .bodyAsString();
      assertThat(script).contains("talos.experimental.wipe=system");

      RedfishCommandTest.Out history = RedfishCommandTest.run(cat(new String[] {"machine", "history", uuid}, admin));
      assertThat(history.stdout()).contains("reboot: ok");
    } finally {
      await(vertx.close());
      server.close();
    }
  }

  static void ok(RedfishCommandTest.Out out) {
    assertThat(out.code()).as(out.stdout() + out.stderr()).isEqualTo(0);
  }

  static String[] cat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static void eventually(java.util.function.BooleanSupplier c) throws InterruptedException {
    for (int i = 0; i < 200 && !c.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertThat(c.getAsBoolean()).as("within 10 s").isTrue();
  }
}
