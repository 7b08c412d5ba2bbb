package nettboot.cli;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import nettboot.core.pki.EmbeddedCa;
import nettboot.redfish.sim.SimSettings;
import nettboot.redfish.sim.SimTls;
import nettboot.redfish.sim.SimulatedBmc;
import nettboot.redfish.sim.Simulator;
import nettboot.redfish.sim.VendorProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code redfish provision} and {@code redfish check} against simulated BMCs over pinned TLS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedfishCommandTest {
  Vertx vertx;
  Path dir;
  EmbeddedCa ca;
  HttpServer media;
  String password = "sim-" + Long.toHexString(new java.security.SecureRandom().nextLong());

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    ca = EmbeddedCa.init(tmp.resolve("ca"), "sim.example.net", List.of("::1"), Clock.systemUTC());
    Buffer iso = Buffer.buffer(new byte[64 * 1024]);
    media = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(SimTls.keyCert(ca)))
        .requestHandler(req -> {
          if (req.path().endsWith(".iso") && !req.path().contains("missing")) {
            req.response().end(iso);
          } else {
            req.response().setStatusCode(404).end();
          }
        }).listen(0, "::1"));
    Files.writeString(tmp.resolve("bmc.pw"), password + "\n");
  }

  @AfterAll
  void stop() throws Exception {
    await(vertx.close());
  }

  SimulatedBmc bmc(String profile) throws Exception {
    SimSettings s = new SimSettings(VendorProfile.named(profile), "admin", password, SimTls.keyCert(ca), List.of(),
        Duration.ofMillis(50), Duration.ofMillis(100));
    return await(Simulator.start(vertx, s, "::1", 0, 1)).bmcs().get(0);
  }

  String mediaBase() {
    return "https://[::1]:" + media.actualPort() + "/media";
  }

  @Test
  void provisionRunsEveryBmcAndReportsEachFailureWithoutStoppingTheOthers() throws Exception {
    SimulatedBmc a = bmc("generic");
    SimulatedBmc b = bmc("xcc");
    SimulatedBmc c = bmc("supermicro");
    Path nodes = dir.resolve("nodes.yaml");
    Files.writeString(nodes, """
        nodes:
          - name: alpha
            role: controlplane
            bmc:
              url: %s
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: bravo
            bmc:
              url: %s
              userFile: bmc.user
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: charlie
            bmc:
              url: %s
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
              mediaUrl: %s/missing.iso
          - name: no-bmc
        """.formatted(a.url(), b.url(), c.url(), mediaBase()));
    Files.writeString(dir.resolve("bmc.user"), "admin\n");
    Out out = run("redfish", "provision", "--nodes", nodes.toString(), "--media-url-base", mediaBase(), "--parallel", "2");
    System.out.println(out.stdout + out.stderr);
    assertThat(out.code).isEqualTo(Main.EXIT_BMC_FAILED);
    assertThat(out.stdout).containsPattern("alpha .* ok .*Cd Continuous");
    assertThat(out.stdout).containsPattern("bravo .* ok .*Cd Once \\(not permanent");
    assertThat(out.stdout).containsPattern("charlie +" + java.util.regex.Pattern.quote(c.url())
        + " +FAILED +step insert: .*HTTP 404");
    assertThat(out.stdout).contains("2 ok, 1 failed").doesNotContain("no-bmc").doesNotContain(password);
    assertThat(out.stderr).contains("[3/3]");
    assertThat(await(a.snapshot()).cdImage()).isEqualTo(mediaBase() + "/alpha.iso");
  }

  @Test
  void aBadNodesFileIsRejectedBeforeAnyBmcIsContacted() throws Exception {
    SimulatedBmc a = bmc("generic");
    Path nodes = dir.resolve("bad-nodes.yaml");
    Files.writeString(nodes, """
        nodes:
          - name: good
            bmc:
              url: %s
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: badurl
            bmc:
              url: ftp://[::1]:1
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: nopass
            bmc:
              url: https://[::1]:1
              user: admin
              certificate: ca/root-ca.crt
          - name: inline
            bmc:
              url: https://[::1]:1
              user: admin
              password: hunter2
              passwordFile: bmc.pw
              insecure: true
          - name: nopin
            bmc:
              url: https://[::1]:1
              user: admin
              passwordEnv: NETTBOOT_TEST_UNSET_VARIABLE
        """.formatted(a.url()));
    Out out = run("redfish", "provision", "--nodes", nodes.toString(), "--media-url-base", mediaBase());
    System.out.println(out.stderr);
    assertThat(out.code).isEqualTo(Main.EXIT_INVALID);
    // the nodes-file format: file:line:column: node NAME: field: what is wrong
    assertThat(out.stderr).contains(nodes + ":10:12: node badurl: nodes[1].bmc.url: scheme must be https")
        .contains(nodes + ":16:7: node nopass: nodes[2].bmc.passwordFile: missing password")
        .contains(nodes + ":23:7: node inline: nodes[3].bmc.password: inline passwords are not accepted")
        .contains(nodes + ":30:20: node nopin: nodes[4].bmc.passwordEnv: environment variable "
            + "NETTBOOT_TEST_UNSET_VARIABLE is not set")
        .contains(nodes + ":28:7: node nopin: nodes[4].bmc.certificate: missing")
        .contains("5 problems")
        .doesNotContain("hunter2");
    assertThat(await(a.snapshot()).requests()).as("no BMC touched").isZero();
  }

  @Test
  void checkPrintsACompatibilityReport() throws Exception {
    for (String profile : List.of("idrac", "xcc")) {
      SimulatedBmc b = bmc(profile);
      Out out = run("redfish", "check", "--bmc", b.url(), "--user", "admin", "--password-file",
          dir.resolve("bmc.pw").toString(), "--certificate", ca.rootCertPath().toString(),
          "--media-url", mediaBase() + "/check-" + profile + ".iso", "--dry-run");
      System.out.println("$ talos-fabric-builder redfish check --bmc " + b.url() + " --user admin --password-file bmc.pw"
          + " --certificate root-ca.crt --media-url " + mediaBase() + "/check-" + profile + ".iso --dry-run");
      System.out.println(out.stdout);
      assertThat(out.code).isZero();
      assertThat(out.stdout).contains("Fallbacks and quirks used:").contains("Boot interception:")
          .contains("reset          -      skipped (dry run)").doesNotContain(password);
      if (profile.equals("xcc")) {
        assertThat(out.stdout).contains("NOT achievable");
      } else {
        assertThat(out.stdout).contains("SYS518").contains(": permanent boot interception achievable");
      }
    }
    SimulatedBmc b = bmc("generic");
    Out wrong = run("redfish", "check", "--bmc", b.url(), "--user", "nobody", "--password-file",
        dir.resolve("bmc.pw").toString(), "--certificate", ca.rootCertPath().toString());
    assertThat(wrong.code).isEqualTo(Main.EXIT_BMC_FAILED);
    assertThat(wrong.stdout).contains("failed: BMC " + b.url() + " step login: credentials rejected");
  }

  record Out(int code, String stdout, String stderr) {}

  static Out run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

}
