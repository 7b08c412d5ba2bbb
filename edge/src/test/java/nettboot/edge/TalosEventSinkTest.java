package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installed detection from Talos's events sink, end to end over real sockets: the install script
 * names the sink ({@code talos.events.sink=[addr]:port}), "Talos" (the grpc-go client of
 * src/test/go, speaking exactly what Talos's EventsSinkController sends) fetches its config with
 * the per-boot token and then publishes its install sequence; the machine becomes Active on the
 * install evidence only, attributed by the address that fetched the config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TalosEventSinkTest {
  static final Pattern CONFIG_URL = Pattern.compile("talos\\.config=(https://\\S+)");
  static final Pattern SINK = Pattern.compile("talos\\.events\\.sink=(\\S+)");

  /**
   * What Talos reports while a netbooted node installs itself (initialize, install, reboot: 21
   * events, listed in the Go client as {@code installRun}).
   */
  static final String[] INSTALL_RUN = {"-install-run"};

  EdgeFixture f;
  WebClient talos; // no client certificate, as Talos fetches its config
  String configYaml;
  final List<String> machinesOfThisTest = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    f = new EdgeFixture(tmp);
    f.profileFor("acme");
    configYaml = f.minimalTalosConfig();
    talos = f.client(f.options(null, null));
    TalosEventsClient.binary(); // build it once, outside the timed parts of the tests
  }

  @AfterAll
  void stop() {
    f.close();
  }

  /** Tokens left by one test must not make the next one's events ambiguous (same address ::1). */
  @AfterEach
  void revokeTokens() {
    for (String id : machinesOfThisTest) {
      await(f.configs.revokeTokens(key(id)));
    }
    machinesOfThisTest.clear();
  }

  private String key(String id) {
    return f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id, null).bodyAsJsonObject().getString("key");
  }

  /** Enrols a machine with a config and serves its install boot; returns the script. */
  private String installBoot(String id) {
    machinesOfThisTest.add(id);
    f.enroll("acme", id, null);
    assertThat(f.putConfig(id, configYaml)).isEqualTo(200);
    return f.bootScript("acme", id);
  }

  private String fetchConfig(String script) {
    String url = group(CONFIG_URL, script);
    HttpResponse<Buffer> r = f.get(talos, url);
    assertThat(r.statusCode()).isEqualTo(200);
    return url;
  }

  private String state(String id) {
    return f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id, null).bodyAsJsonObject().getString("state");
  }

  private JsonArray history(String id) {
    return f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + id + "/history", null).bodyAsJsonObject().getJsonArray("history");
  }

  private static String group(Pattern p, String s) {
    return EdgeFixture.argument(p, s);
  }

  @Test
  void theInstallSequenceReachingItsRebootMovesTheMachineToActive() throws Exception {
    String id = "e0e0e0e0-0000-4000-8000-000000000001";
    String script = installBoot(id);
    String sink = group(SINK, script);
    assertThat(sink).isEqualTo("[::1]:" + f.server.eventsPort());
    String configUrl = fetchConfig(script);
    assertThat(state(id)).isEqualTo("Provisioning");

    TalosEventsClient.Result r = TalosEventsClient.publish(sink, INSTALL_RUN);
    assertThat(r.allAccepted()).as(r.output()).isTrue();
    assertThat(r.output()).contains("ok 20\n").doesNotContain("ok 21");

    assertThat(state(id)).isEqualTo("Active");
    JsonObject last = history(id).getJsonObject(history(id).size() - 1);
    assertThat(last.getString("to")).isEqualTo("Active");
    assertThat(last.getString("actor")).isEqualTo("talos-events:::1");
    assertThat(last.getString("reason")).contains("install evidence from Talos")
        .contains("phase saveStateEncryptionConfig after its install phase completed");
    // Installed: the config token is gone, and Talos's replay after a reconnect changes nothing.
    assertThat(f.get(talos, configUrl).statusCode()).isEqualTo(403);
    TalosEventsClient.Result replay = TalosEventsClient.publish(sink, INSTALL_RUN);
    assertThat(replay.allAccepted()).as(replay.output()).isTrue();
    assertThat(history(id).stream().filter(h -> "Active".equals(((JsonObject) h).getString("to"))).count())
        .isEqualTo(1);
    f.awaitLog("\"machine_installed\"");
    String metrics = f.get(f.client(new io.vertx.ext.web.client.WebClientOptions()), f.opsUrl("/metrics")).bodyAsString();
    assertThat(PrometheusText.sample(metrics, "nettboot_talos_events_total", "outcome", "installed"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void eventsFromAnAddressThatFetchedNoConfigChangeNothingUntilItDoes() throws Exception {
    String id = "e0e0e0e0-0000-4000-8000-000000000002";
    String script = installBoot(id);
    String sink = group(SINK, script);
    // Talos connects to the sink as soon as it has an address, before it fetches its config.
    TalosEventsClient.Result early = TalosEventsClient.publish(sink, INSTALL_RUN);
    assertThat(early.allAccepted()).as(early.output()).isTrue(); // acknowledged, not acted on
    assertThat(state(id)).isEqualTo("Provisioning");
    // After the fetch the same address is that machine: its install evidence counts.
    fetchConfig(script);
    assertThat(TalosEventsClient.publish(sink, INSTALL_RUN).allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Active");
  }

  @Test
  void aFailedInstallIsLoggedAndLeavesTheMachineProvisioning() throws Exception {
    String id = "e0e0e0e0-0000-4000-8000-000000000003";
    String script = installBoot(id);
    fetchConfig(script);
    TalosEventsClient.Result r = TalosEventsClient.publish(group(SINK, script),
        "sequence:install:start", "phase:install:start", "task:install:start", "task:install:stop",
        "phase:install:stop", "sequence:install:stop:failed to install bootloader: disk /dev/sda not found");
    assertThat(r.allAccepted()).as(r.output()).isTrue();
    assertThat(state(id)).isEqualTo("Provisioning");
    f.awaitLog("\"talos_install_failed\"");
    assertThat(f.logs()).contains("disk /dev/sda not found");
    // Progress without the install phase finishing is not evidence either.
    assertThat(TalosEventsClient.publish(group(SINK, script), "sequence:install:start",
        "status:installing", "phase:install:start", "task:install:start").allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Provisioning");
  }

  @Test
  void twoMachinesBehindOneAddressAreNotGuessedBetween() throws Exception {
    String a = "e0e0e0e0-0000-4000-8000-000000000004";
    String b = "e0e0e0e0-0000-4000-8000-000000000005";
    String scriptA = installBoot(a);
    fetchConfig(scriptA);
    fetchConfig(installBoot(b));
    assertThat(TalosEventsClient.publish(group(SINK, scriptA), INSTALL_RUN).allAccepted()).isTrue();
    assertThat(state(a)).isEqualTo("Provisioning");
    assertThat(state(b)).isEqualTo("Provisioning");
    f.awaitLog("\"talos_event_ambiguous\"");
  }

  @Test
  void theBootSequenceOfTheInstalledSystemIsEvidence() throws Exception {
    String id = "e0e0e0e0-0000-4000-8000-000000000006";
    String script = installBoot(id);
    fetchConfig(script);
    assertThat(TalosEventsClient.publish(group(SINK, script), "sequence:initialize:start",
        "sequence:initialize:stop", "sequence:install:start", "sequence:install:stop",
        "sequence:boot:start").allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Active");
    JsonObject last = history(id).getJsonObject(history(id).size() - 1);
    assertThat(last.getString("reason")).contains("boot sequence started");
  }

  @Test
  void aReprovisionedMachineIsActiveAgainOnlyAfterTheWipeAndTheNewInstall() throws Exception {
    String id = "e0e0e0e0-0000-4000-8000-000000000007";
    String first = installBoot(id);
    fetchConfig(first);
    assertThat(TalosEventsClient.publish(group(SINK, first), INSTALL_RUN).allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Active");
    f.adminJson(HttpMethod.PUT, "/v1/admin/machines/" + id + "/state",
        new JsonObject().put("state", "Reprovision").put("reason", "reinstall"));
    // The wipe boot carries no config and no token: nothing Talos says during it can count.
    String wipe = f.bootScript("acme", id);
    assertThat(wipe).contains("talos.experimental.wipe=system").doesNotContain("talos.config=");
    assertThat(TalosEventsClient.publish(group(SINK, first), INSTALL_RUN).allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Reprovision");
    // The install boot after the wipe: a new token, a new fetch, then the install evidence.
    String install = f.bootScript("acme", id);
    fetchConfig(install);
    assertThat(TalosEventsClient.publish(group(SINK, install), INSTALL_RUN).allAccepted()).isTrue();
    assertThat(state(id)).isEqualTo("Active");
    assertThat(history(id).stream().map(h -> ((JsonObject) h).getString("to")).toList())
        .containsExactly("New", "Provisioning", "Active", "Reprovision", "Active");
  }

  @Test
  void malformedEventsAreRefusedWithInvalidArgumentAndOthersStillServed() throws Exception {
    String sink = "[::1]:" + f.server.eventsPort();
    TalosEventsClient.Result r = TalosEventsClient.publish(sink, "raw:0affff", "raw:12026964",
        "service:kubelet");
    assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains("error 0 code=InvalidArgument")
        .contains("error 1 code=InvalidArgument msg=event.data: no payload")
        .contains("ok 2");
  }
}
