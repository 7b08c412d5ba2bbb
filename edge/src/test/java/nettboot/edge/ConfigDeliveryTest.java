package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigToken;
import nettboot.core.talos.MachineConfigGenerator;
import nettboot.core.talos.TalosSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Talos config delivery over real TLS: the install script carries talos.config (config listener
 * URL with a per-boot token) and talos.config.early; the config listener serves the config to a
 * client WITHOUT a certificate only with a valid token, and refuses expired, foreign and
 * after-install tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigDeliveryTest {
  static final Pattern CONFIG_URL = Pattern.compile("talos\\.config=(https://\\S+)");
  static final Pattern EARLY = Pattern.compile("talos\\.config\\.early=(\\S+)");
  EdgeFixture f;
  String configYaml;
  WebClient talos; // no client certificate, trusts the platform root (as TrustedRootsConfig makes Talos do)

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new EdgeFixture(tmp);
    f.profileFor("acme");
    configYaml = f.minimalTalosConfig();
    talos = f.client(f.options(null, null));
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private void putConfig(String id, String yaml, int expected) {
    assertThat(f.putConfig(id, yaml)).isEqualTo(expected);
  }

  private String bootScript(String id) {
    return f.bootScript("acme", id);
  }

  private static String group(Pattern p, String s) {
    return EdgeFixture.argument(p, s);
  }

  @Test
  void theInstallScriptCarriesAConfigUrlThatServesTheConfigWithoutAClientCertificate() throws Exception {
    String id = "c0c0c0c0-0000-4000-8000-000000000001";
    f.enroll("acme", id, null);
    putConfig(id, configYaml, 200);
    String script = bootScript(id);
    String url = group(CONFIG_URL, script);
    assertThat(url).startsWith("https://[::1]:" + f.server.configPort() + "/v1/config/" + id + "?token=");
    HttpResponse<Buffer> r = f.get(talos, url);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo(configYaml);
    // Talos retries: the same token works again while the machine installs.
    assertThat(f.get(talos, url).statusCode()).isEqualTo(200);
    // The kernel command line stays within the budget.
    String kernelLine = script.lines().filter(l -> l.startsWith("kernel ")).findFirst().orElseThrow();
    String cmdline = kernelLine.substring(kernelLine.indexOf(' ', "kernel --timeout 30000 ".length()) + 1)
        .replace(" || goto failed", "");
    System.out.println("kernel command line with talos.config + talos.config.early: " + cmdline.length() + " bytes");
    assertThat(cmdline.length()).isLessThan(2048);
    // The token is not in the logs (the access log records paths only).
    String token = url.substring(url.indexOf("token=") + 6);
    Thread.sleep(300);
    assertThat(f.logs()).doesNotContain(token);
  }

  @Test
  void theEarlyConfigIsAZstdCompressedTrustedRootsConfigThatValidates() throws Exception {
    String id = "c0c0c0c0-0000-4000-8000-000000000002";
    f.enroll("acme", id, null);
    putConfig(id, configYaml, 200);
    String early = group(EARLY, bootScript(id));
    byte[] compressed = Base64.getDecoder().decode(early);
    byte[] doc = Zstd.decompress(compressed, (int) Zstd.getFrameContentSize(compressed));
    String yaml = new String(doc, StandardCharsets.UTF_8);
    assertThat(yaml).contains("kind: TrustedRootsConfig").contains("BEGIN CERTIFICATE");
    System.out.println("talos.config.early: " + early.length() + " base64 chars for " + doc.length + " bytes of YAML");
    MachineConfigGenerator g = new MachineConfigGenerator(TalosSchema.load());
    g.validate("early", g.parseAll(yaml, "early"));
  }

  @Test
  void tokensOfAnotherMachineExpiredOrAfterInstallAreRefused() throws Exception {
    String a = "c0c0c0c0-0000-4000-8000-000000000003";
    String b = "c0c0c0c0-0000-4000-8000-000000000004";
    f.enroll("acme", a, null);
    f.enroll("acme", b, null);
    putConfig(a, configYaml, 200);
    putConfig(b, configYaml, 200);
    String urlA = group(CONFIG_URL, bootScript(a));
    String tokenA = urlA.substring(urlA.indexOf("token=") + 6);
    // A's token on B's config URL.
    HttpResponse<Buffer> foreign = f.get(talos, f.configUrl("/v1/config/" + b + "?token=" + tokenA));
    assertThat(foreign.statusCode()).isEqualTo(403);
    // A made-up token, a malformed one, none.
    assertThat(f.get(talos, f.configUrl("/v1/config/" + a + "?token=" + "A".repeat(43))).statusCode()).isEqualTo(403);
    assertThat(f.get(talos, f.configUrl("/v1/config/" + a + "?token=short")).statusCode()).isEqualTo(403);
    assertThat(f.get(talos, f.configUrl("/v1/config/" + a)).statusCode()).isEqualTo(403);
    // An expired token (B has booted never, so this is its only token).
    io.vertx.core.json.JsonObject machineB = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + b, null).bodyAsJsonObject();
    String machineKey = machineB.getString("key");
    String expired = new ConfigToken(new java.security.SecureRandom()).mint();
    await(f.configs.putToken(new ConfigStore.TokenRecord(ConfigToken.hash(expired), machineKey,
        "acme", "test", Instant.now().minusSeconds(7200), Instant.now().minusSeconds(60)), machineB.getLong("version")));
    assertThat(f.get(talos, f.configUrl("/v1/config/" + b + "?token=" + expired)).statusCode()).isEqualTo(403);
    // Still valid now; no longer once the machine is installed.
    assertThat(f.get(talos, urlA).statusCode()).isEqualTo(200);
    f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + a + "/state",
        new io.vertx.core.json.JsonObject().put("state", "Active").put("reason", "install evidence"));
    assertThat(f.get(talos, urlA).statusCode()).isEqualTo(403);
  }

  @Test
  void aProvisioningTokenStaysDeadAfterActiveAndReprovision() {
    String id = "c0c0c0c0-0000-4000-8000-000000000006";
    f.enroll("acme", id, null);
    putConfig(id, configYaml, 200);
    String url = group(CONFIG_URL, bootScript(id)); // New -> Provisioning, token minted
    assertThat(f.get(talos, url).statusCode()).isEqualTo(200);
    for (String state : new String[] {"Active", "Reprovision"}) {
      assertThat(f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + id + "/state",
          new io.vertx.core.json.JsonObject().put("state", state).put("reason", "test")).statusCode()).isEqualTo(200);
      assertThat(f.get(talos, url).statusCode()).isEqualTo(403);
    }
    // The reinstall's boots mint their own tokens; only the latest one works.
    bootScript(id); // the one-shot wipe
    String first = group(CONFIG_URL, bootScript(id));
    String second = group(CONFIG_URL, bootScript(id));
    assertThat(f.get(talos, first).statusCode()).isEqualTo(403);
    assertThat(f.get(talos, second).statusCode()).isEqualTo(200);
    assertThat(f.get(talos, url).statusCode()).isEqualTo(403);
  }

  @Test
  void everyRefusalIsTheSame403StatusBodyAndHeaders() {
    String id = "c0c0c0c0-0000-4000-8000-000000000007";
    f.enroll("acme", id, null);
    putConfig(id, configYaml, 200);
    HttpResponse<Buffer> unknown = f.get(talos, f.configUrl("/v1/config/" + id + "?token=" + "A".repeat(43)));
    assertThat(unknown.statusCode()).isEqualTo(403);
    for (String path : new String[] {"/v1/config/" + id, "/v1/config/" + id + "?token=",
        "/v1/config/" + id + "?token=short", "/v1/config/" + id + "?token=" + "%22".repeat(43),
        "/v1/config/" + id + "?token=" + "A".repeat(44), "/v1/config/not-an-id?token=" + "A".repeat(43)}) {
      HttpResponse<Buffer> r = f.get(talos, f.configUrl(path));
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.bodyAsString()).as(path).isEqualTo(unknown.bodyAsString());
      assertThat(headers(r)).as(path).isEqualTo(headers(unknown));
    }
  }

  /** The headers of a response, minus the values of the per-request id and the date. */
  private static java.util.List<String> headers(HttpResponse<Buffer> r) {
    return r.headers().entries().stream()
        .map(e -> e.getKey().toLowerCase(java.util.Locale.ROOT)
            + (e.getKey().equalsIgnoreCase("x-request-id") || e.getKey().equalsIgnoreCase("date") ? "" : ": " + e.getValue()))
        .sorted().toList();
  }

  @Test
  void configsThatFailTheTalosSchemaAreRefusedNamingTheProblem() {
    String id = "c0c0c0c0-0000-4000-8000-000000000005";
    f.enroll("acme", id, null);
    HttpResponse<Buffer> r = await(f.admin().putAbs(f.adminUrl("/v1/admin/machines/" + id + "/config"))
        .sendBuffer(Buffer.buffer("apiVersion: v1alpha1\nkind: TrustedRootsConfig\nname: x\nbogus: 1\n")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("schema");
    // Without a config the install script has no talos.config.
    assertThat(bootScript(id)).doesNotContain("talos.config=");
  }

  @Test
  void theConfigListenerNeedsNoClientCertificateButTheBootListenerDoes() {
    Throwable t = await(talos.getAbs(f.bootUrl("/v1/boot/c0c0c0c0-0000-4000-8000-000000000001")).send()
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(t).isNotNull();
  }
}
