package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import nettboot.core.pki.IssuedCredential;
import nettboot.core.pki.Revocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation over real sockets: a certificate revoked through the admin API is refused at once on
 * the boot listener (new connections: the handshake fails with certificate_revoked, as iPXE then
 * boots its disk; connections opened before: 403) and on the admin listener, counted in /metrics
 * and logged with the serial and tenant; other certificates are untouched.
 */
class RevocationTest {
  static final String UNKNOWN = "/v1/boot/3f8e9c1a-0000-4000-8000-000000000001";
  @TempDir Path tmp;
  EdgeFixture f;

  EdgeFixture newFixture(Path dir) {
    return new EdgeFixture(dir);
  }

  @BeforeEach
  void start() {
    f = newFixture(tmp);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** A client that opens a new connection for every request. */
  WebClient fresh(Path cert, Path key, boolean tls12) {
    WebClientOptions o = f.options(cert, key).setKeepAlive(false);
    if (tls12) {
      o.setEnabledSecureTransportProtocols(Set.of("TLSv1.2"));
      o.addEnabledCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }
    return f.client(o);
  }

  /**
   * How a request with a revoked certificate was refused: "handshake" (the TLS handshake failed)
   * or "403" (a resumed session or an older connection); anything else fails the test.
   */
  static String refusal(io.vertx.core.Future<HttpResponse<Buffer>> sent) {
    HttpResponse<Buffer> r = await(sent.otherwise((HttpResponse<Buffer>) null));
    if (r == null) {
      Throwable t = failure(sent);
      boolean tls = false;
      for (Throwable c = t; c != null; c = c.getCause()) {
        tls |= c instanceof javax.net.ssl.SSLException;
      }
      assertThat(tls).as(String.valueOf(t)).isTrue();
      return "handshake";
    }
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
    assertThat(r.bodyAsString()).contains("revoked");
    return "403";
  }

  @Test
  void revokedTenantCertificateIsRefusedAtTheHandshakeAndOnOpenConnections() throws Exception {
    WebClient kept = f.tenant("acme");
    assertThat(f.get(kept, f.bootUrl(UNKNOWN)).statusCode()).isEqualTo(404);
    String pem = Files.readString(f.ca.tenantCertPath("acme"));

    HttpResponse<Buffer> r = f.adminJson(HttpMethod.POST, "/v1/admin/revocations",
        new JsonObject().put("certificate", pem).put("reason", "key-compromise"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    String serial = Revocation.serialOf(nettboot.core.pki.Pem.readCertificates(f.ca.tenantCertPath("acme")).get(0));
    assertThat(r.bodyAsJsonObject().getString("serial")).isEqualTo(serial);
    assertThat(r.bodyAsJsonObject().getString("tenant")).isEqualTo("acme");
    assertThat(r.bodyAsJsonObject().getString("actor")).contains("operator");

    // the connection opened before the revocation (kept alive by the client): 403 on its next request
    HttpResponse<Buffer> onKept = f.get(kept, f.bootUrl(UNKNOWN));
    assertThat(onKept.statusCode()).isEqualTo(403);
    assertThat(onKept.bodyAsString()).contains("revoked");

    // new connections, TLS 1.3 and iPXE's TLS 1.2: the handshake is refused
    for (boolean tls12 : new boolean[] {false, true}) {
      WebClient c = fresh(f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme"), tls12);
      assertThat(refusal(c.getAbs(f.bootUrl(UNKNOWN)).send())).as("tls12=" + tls12).isEqualTo("handshake");
      assertThat(refusal(fresh(f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme"), tls12)
          .getAbs(f.bootUrl("/v1/artifacts/kernel")).send())).isEqualTo("handshake");
    }
    // another tenant is untouched
    assertThat(f.get(fresh(f.ca.tenantCertPath("globex"), f.ca.tenantKeyPath("globex"), true),
        f.bootUrl(UNKNOWN)).statusCode()).isEqualTo(404);

    f.awaitLog("\"client_certificate_revoked\"");
    assertThat(f.logs()).containsPattern("\"client_certificate_revoked\".*\"serial\":\"" + serial
        + "\".*\"tenant\":\"acme\"|\"client_certificate_revoked\".*\"tenant\":\"acme\".*\"serial\":\"" + serial + "\"");
    assertThat(f.logs()).contains("\"certificate_revoked\"");
    String metrics = f.get(f.client(new WebClientOptions()), f.opsUrl("/metrics")).bodyAsString();
    assertThat(PrometheusText.sample(metrics, "nettboot_revoked_certificates_refused_total",
        "listener", "boot", "stage", "handshake")).isGreaterThanOrEqualTo(4);
    assertThat(PrometheusText.sample(metrics, "nettboot_revoked_certificates_refused_total",
        "listener", "boot", "stage", "request")).isEqualTo(1);

    // the same revocation again changes nothing; the list shows it and the reasons
    HttpResponse<Buffer> second = f.adminJson(HttpMethod.POST, "/v1/admin/revocations",
        new JsonObject().put("serial", serial.toUpperCase()).put("reason", "superseded"));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getString("reason")).isEqualTo("key-compromise");
    JsonObject list = f.adminJson(HttpMethod.GET, "/v1/admin/revocations", null).bodyAsJsonObject();
    assertThat(list.getJsonArray("revocations")).hasSize(1);
    assertThat(list.getJsonArray("revocations").getJsonObject(0).getString("serial")).isEqualTo(serial);
    assertThat(list.getJsonArray("reasons").getList()).contains("key-compromise", "superseded", "unspecified");
  }

  @Test
  void revokedAdminCertificateIsRefusedOnTheAdminListener() {
    IssuedCredential other = f.ca.issueAdmin("maskin");
    WebClient maskin = fresh(other.certificatePath(), other.keyPath(), false);
    assertThat(f.get(maskin, f.adminUrl("/v1/admin/revocations")).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> r = f.adminJson(HttpMethod.POST, "/v1/admin/revocations", new JsonObject()
        .put("serial", Revocation.serialOf(other.certificate())).put("reason", "cessation-of-operation"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getString("tenant")).isEmpty();
    // this client resumes the TLS session of its first request (no certificate check in a
    // resumption): then the request is refused
    assertThat(refusal(maskin.getAbs(f.adminUrl("/v1/admin/revocations")).send())).isIn("handshake", "403");
    assertThat(refusal(fresh(other.certificatePath(), other.keyPath(), false)
        .getAbs(f.adminUrl("/v1/admin/revocations")).send())).isEqualTo("handshake");
    String metrics = f.get(f.client(new WebClientOptions()), f.opsUrl("/metrics")).bodyAsString();
    assertThat(PrometheusText.sample(metrics, "nettboot_revoked_certificates_refused_total",
        "listener", "admin", "stage", "handshake")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void badRevocationRequestsAreRefusedNamingTheField() {
    for (JsonObject body : new JsonObject[] {
        new JsonObject().put("serial", "not-hex"),
        new JsonObject().put("serial", "01").put("reason", "lost"),
        new JsonObject().put("serial", "01").put("certificate", "x"),
        new JsonObject(),
        new JsonObject().put("serial", "ab".repeat(21)),
        new JsonObject().put("certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}) {
      HttpResponse<Buffer> r = f.adminJson(HttpMethod.POST, "/v1/admin/revocations", body);
      assertThat(r.statusCode()).as(body.encode() + " -> " + r.bodyAsString()).isEqualTo(400);
    }
    HttpResponse<Buffer> tenantRefused = await(f.tenant("acme").postAbs(f.adminUrl("/v1/admin/revocations"))
        .sendJsonObject(new JsonObject().put("serial", "01")));
    assertThat(tenantRefused.statusCode()).isEqualTo(403);
    assertThat(f.adminJson(HttpMethod.GET, "/v1/admin/revocations", null).bodyAsJsonObject()
        .getJsonArray("revocations")).isEmpty();
  }
}
