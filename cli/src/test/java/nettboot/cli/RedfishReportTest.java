package nettboot.cli;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import nettboot.cli.RedfishCommandTest.Out;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code redfish check --format json|text} against every simulator profile: schema-valid, and equal
 * to the golden files in {@code docs/redfish-reports/} once ports, UUIDs and durations are
 * normalised ({@code -Dnettboot.updateGolden=true} rewrites them). {@code redfish provision} with
 * two nodes on one multi-system BMC, and with a node whose uuid is not its System's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedfishReportTest {
  static final Path DOCS = Path.of("..", "docs");
  Vertx vertx;
  Path dir;
  EmbeddedCa ca;
  HttpServer media;
  JsonSchema schema;
  String password = "sim-" + Long.toHexString(new java.security.SecureRandom().nextLong());

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    ca = EmbeddedCa.init(tmp.resolve("ca"), "sim.example.net", List.of("::1"), Clock.systemUTC());
    Buffer iso = Buffer.buffer(new byte[64 * 1024]);
    media = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(SimTls.keyCert(ca)))
        .requestHandler(req -> req.response().end(iso)).listen(0, "::1"));
    Files.writeString(tmp.resolve("bmc.pw"), password + "\n");
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(Files.readString(DOCS.resolve("redfish-report.schema.json")));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  SimulatedBmc bmc(String profile) {
    SimSettings s = new SimSettings(VendorProfile.named(profile), "admin", password, SimTls.keyCert(ca), List.of(),
        Duration.ofMillis(50), Duration.ofMillis(100));
    return await(Simulator.start(vertx, s, "::1", 0, 1)).bmcs().get(0);
  }

  static List<String> profiles() {
    return VendorProfile.NAMES;
  }

  /** Ports, UUIDs, the BMC's host name and durations vary per run. */
  static String normalise(String s) {
    return s.replaceAll("\\[::1]:\\d+", "[::1]:PORT")
        .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID")
        .replaceAll("\"elapsedMillis\" : \\d+", "\"elapsedMillis\" : 0")
        .replaceAll("\\(\\d+ ms\\)", "(N ms)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("profiles")
  void checkReportsAreSchemaValidAndMatchTheGoldenFiles(String profile) throws Exception {
    SimulatedBmc b = bmc(profile);
    for (String format : List.of("json", "text")) {
      Out out = RedfishCommandTest.run("redfish", "check", "--bmc", b.url(), "--user", "admin", "--password-file",
          dir.resolve("bmc.pw").toString(), "--certificate", ca.rootCertPath().toString(), "--format", format);
      assertThat(out.code()).as(out.stdout() + out.stderr()).isZero();
      assertThat(out.stdout()).doesNotContain(password);
      if (format.equals("json")) {
        JsonNode doc = new ObjectMapper().readTree(out.stdout());
        Set<ValidationMessage> problems = schema.validate(doc);
        assertThat(problems).as(out.stdout()).isEmpty();
        assertThat(doc.get("identity").get("redfishVersion").asText()).isNotEmpty();
        assertThat(doc.get("identity").get("firmwareVersion").asText()).isEqualTo("sim-1.0");
      }
      Path golden = DOCS.resolve("redfish-reports").resolve(profile + (format.equals("json") ? ".json" : ".txt"));
      String actual = normalise(out.stdout());
      if (Boolean.getBoolean("nettboot.updateGolden")) {
        Files.writeString(golden, actual);
      }
      assertThat(golden).as("golden file; regenerate with -Dnettboot.updateGolden=true").exists();
      assertThat(actual).isEqualTo(Files.readString(golden));
    }
  }

  @Test
  void provisionTwoNodesOnOneMultiSystemBmcAndRefuseAWrongMachine() throws Exception {
    SimulatedBmc chassis = bmc("multi");
    SimulatedBmc other = bmc("generic");
    String uuid1 = await(chassis.snapshot(0)).uuid();
    String uuid2 = await(chassis.snapshot(1)).uuid();
    Path nodes = dir.resolve("multi-nodes.yaml");
    Files.writeString(nodes, """
        nodes:
          - name: blade-a
            uuid: %s
            bmc:
              url: %s
              system: Node1
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: blade-b
            uuid: %s
            bmc:
              url: %s/
              system: /redfish/v1/Systems/Node2
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
          - name: swapped
            uuid: 6e657474-0000-4000-8000-00000000beef
            bmc:
              url: %s
              user: admin
              passwordFile: bmc.pw
              certificate: ca/root-ca.crt
        """.formatted(uuid1, chassis.url(), uuid2, chassis.url(), other.url()));
    String base = "https://[::1]:" + media.actualPort() + "/media";
    Out out = RedfishCommandTest.run("redfish", "provision", "--nodes", nodes.toString(), "--media-url-base", base);
    System.out.println(out.stdout() + out.stderr());
    assertThat(out.code()).isEqualTo(Main.EXIT_BMC_FAILED);
    assertThat(out.stdout()).containsPattern("blade-a .* ok .*Cd Continuous")
        .containsPattern("blade-b .* ok .*Cd Continuous")
        .containsPattern("swapped +" + java.util.regex.Pattern.quote(other.url())
            + " +FAILED +step identity: wrong machine: the node's uuid is 6e657474-0000-4000-8000-00000000beef but "
            + "System /redfish/v1/Systems/1 has UUID " + await(other.snapshot()).uuid())
        .contains("2 ok, 1 failed");
    assertThat(await(chassis.snapshot(0)).cdImage()).isEqualTo(base + "/blade-a.iso");
    assertThat(await(chassis.snapshot(1)).cdImage()).isEqualTo(base + "/blade-b.iso");
    assertThat(await(other.snapshot()).cdImage()).as("the wrong machine is not touched").isNull();
    assertThat(out.stderr()).contains("3 nodes on 2 BMCs");

    Out dry = RedfishCommandTest.run("redfish", "provision", "--nodes", nodes.toString(), "--media-url-base",
        base, "--dry-run", "--no-identity-check");
    assertThat(dry.code()).as(dry.stdout() + dry.stderr()).isZero();
    assertThat(dry.stderr()).contains("dry run (no reset)").contains("identity check turned off");
    assertThat(dry.stdout()).containsPattern("blade-a .* dry-run ").contains("(dry run: nothing was reset)")
        .contains("quirk: identity check turned off");

    Out plain = RedfishCommandTest.run("redfish", "check", "--bmc", other.url(), "--user", "admin", "--password-file",
        dir.resolve("bmc.pw").toString(), "--certificate", ca.rootCertPath().toString(), "--media-url",
        "http://[::1]:" + media.actualPort() + "/media/x.iso");
    assertThat(plain.stderr()).contains("is plain http://; the ISO holds the tenant's key");
    assertThat(plain.stdout()).contains("media URL is plain http://");
  }
}
