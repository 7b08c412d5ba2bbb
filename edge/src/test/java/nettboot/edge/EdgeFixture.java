package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.StoreLocation;
import nettboot.core.store.Stores;

/**
 * A real metadata server for tests, built by the production composition root ({@link EdgeServer}):
 * generated PKI, SQLite under {@code dir/data} (or a given PostgreSQL database), every listener on
 * an ephemeral port of [::1], and mTLS clients for tenants and admins.
 */
public final class EdgeFixture implements AutoCloseable {
  public static final String DOMAIN = "boot.test.nett";
  public final Path dir;
  public final EmbeddedCa ca;
  public final Vertx vertx;
  /** The machine store the listeners use (the boot cache when it is on). */
  public final MachineStore store;
  public final EdgeServer server;
  public final ConfigStore configs;
  public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  final JsonLog log;
  private final List<WebClient> clients = new ArrayList<>();

  /** SQLite, no boot cache. */
  public EdgeFixture(Path dir) {
    this(dir, null, Duration.ZERO, UnaryOperator.identity());
  }

  /**
   * @param postgresUrl the database, or null for SQLite under {@code dir/data}
   * @param cacheTtl the boot cache's TTL as {@code serve --cache-ttl-ms} takes it; zero: no cache
   * @param intercept applied to the stores as they are opened (fault injection)
   */
  public EdgeFixture(Path dir, String postgresUrl, Duration cacheTtl, UnaryOperator<Stores> intercept) {
    this(dir, postgresUrl, cacheTtl, intercept, UnaryOperator.identity());
  }

  /** As above; {@code tweak} changes the configuration (deadlines, limits) before the server starts. */
  public EdgeFixture(Path dir, String postgresUrl, Duration cacheTtl, UnaryOperator<Stores> intercept,
      UnaryOperator<EdgeConfig> tweak) {
    this.dir = dir;
    this.ca = EmbeddedCa.init(dir.resolve("pki"), DOMAIN, List.of("::1", "127.0.0.1"), Clock.systemUTC());
    for (String t : List.of("acme", "globex", "initech")) {
      ca.issueTenant(t);
    }
    ca.issueAdmin("operator");
    Path data = dir.resolve("data");
    try {
      java.nio.file.Files.createDirectories(data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ListenAddress any = new ListenAddress("::1", 0);
    EdgeConfig config = EdgeConfig.of(any, any, any, any, ca.serverCertPath(), ca.serverKeyPath(),
        ca.rootCertPath(), DOMAIN, data.resolve("artifacts")).withEvents(any).withEventLoops(2);
    // every test client connects from [::1], where a fleet has an address per machine: the
    // per-address boot-lookup budget is raised out of the way unless a test sets its own
    config = tweak.apply(config.withLimits(config.limits().withAddressBudget(1_000_000, 1_000_000)));
    this.log = new JsonLog(new PrintStream(logBytes, true));
    this.server = EdgeServer.start(new EdgeServer.Settings(config,
        StoreLocation.of(data, postgresUrl), cacheTtl), log, Clock.systemUTC(), intercept);
    this.vertx = server.vertx();
    this.store = server.machines();
    this.configs = server.stores().configs();
  }

  public String configUrl(String path) {
    return "https://[::1]:" + server.configPort() + path;
  }

  /** Options of a client presenting the given certificate (null: none), trusting the root. */
  public WebClientOptions options(Path cert, Path key) {
    WebClientOptions o = new WebClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.rootCertPath().toString()))
        .setConnectTimeout(10_000).setKeepAlive(true);
    if (cert != null) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
    }
    return o;
  }

  public WebClient client(WebClientOptions o) {
    WebClient c = WebClient.create(vertx, o);
    clients.add(c);
    return c;
  }

  public WebClient tenant(String t) {
    return client(options(ca.tenantCertPath(t), ca.tenantKeyPath(t)));
  }

  /** A client speaking like iPXE 2.0: TLS 1.2 only, ECDHE-ECDSA-AES128-GCM-SHA256. */
  public WebClient ipxeLike(String t) {
    WebClientOptions o = options(ca.tenantCertPath(t), ca.tenantKeyPath(t));
    o.setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2"));
    o.addEnabledCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    return client(o);
  }

  public WebClient admin() {
    return client(options(ca.adminCertPath("operator"), ca.adminKeyPath("operator")));
  }

  public String bootUrl(String path) {
    return "https://[::1]:" + server.bootPort() + path;
  }

  public String adminUrl(String path) {
    return "https://[::1]:" + server.adminPort() + path;
  }

  public String opsUrl(String path) {
    return "http://[::1]:" + server.opsPort() + path;
  }

  public HttpResponse<Buffer> get(WebClient c, String url) {
    return await(c.getAbs(url).send());
  }

  public HttpResponse<Buffer> send(HttpRequest<Buffer> r) {
    return await(r.send());
  }

  public HttpResponse<Buffer> adminJson(HttpMethod m, String path, JsonObject body) {
    HttpRequest<Buffer> r = admin().requestAbs(m, adminUrl(path));
    return await(body == null ? r.send() : r.sendJsonObject(body));
  }

  /** Uploads bytes as an artifact through the admin API and asserts success. */
  public JsonObject uploadArtifact(String name, byte[] bytes) {
    HttpResponse<Buffer> r = await(admin().putAbs(adminUrl("/v1/admin/artifacts/" + name))
        .putHeader("content-type", "application/octet-stream").sendBuffer(Buffer.buffer(bytes)));
    if (r.statusCode() != 200) {
      throw new AssertionError("upload failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** Uploads demo artifacts and creates profile "p-TENANT" for the tenant. */
  public void profileFor(String tenant) {
    uploadArtifact("vmlinuz", "kernel-bytes".getBytes());
    uploadArtifact("initrd.img", "initrd-bytes".getBytes());
    HttpResponse<Buffer> r = adminJson(HttpMethod.PUT, "/v1/admin/profiles/p-" + tenant, new JsonObject()
        .put("tenant", tenant).put("kernel", "vmlinuz").put("initrd", "initrd.img")
        .put("cmdline", "console=ttyS0 talos.platform=metal"));
    if (r.statusCode() != 200) {
      throw new AssertionError("profile failed: " + r.bodyAsString());
    }
  }

  /** Enrols a machine with a profile and moves it to the given states in order. */
  public JsonObject enroll(String tenant, String uuid, String mac, String... states) {
    JsonObject body = new JsonObject().put("tenant", tenant).put("role", "worker")
        .put("profile", "p-" + tenant);
    if (uuid != null) {
      body.put("uuid", uuid);
    }
    if (mac != null) {
      body.put("macs", new io.vertx.core.json.JsonArray().add(mac));
    }
    HttpResponse<Buffer> r = adminJson(HttpMethod.POST, "/v1/admin/machines", body);
    if (r.statusCode() != 201) {
      throw new AssertionError("enrol failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    JsonObject m = r.bodyAsJsonObject();
    String id = uuid != null ? uuid : mac;
    for (String s : states) {
      HttpResponse<Buffer> t = adminJson(HttpMethod.PUT, "/v1/admin/machines/" + id + "/state",
          new JsonObject().put("state", s).put("reason", "test"));
      if (t.statusCode() != 200) {
        throw new AssertionError("transition to " + s + " failed: " + t.bodyAsString());
      }
      m = t.bodyAsJsonObject();
    }
    return m;
  }

  /** The smallest Talos config the admin API accepts: a worker plus the platform CA as trusted roots. */
  public String minimalTalosConfig() {
    try {
      return "version: v1alpha1\nmachine:\n  type: worker\n---\n"
          + nettboot.core.talos.EarlyConfig.trustedRootsDocument(java.nio.file.Files.readString(ca.rootCertPath()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Stores a machine's Talos config through the admin API; returns the status. */
  public int putConfig(String id, String yaml) {
    return send(admin().putAbs(adminUrl("/v1/admin/machines/" + id + "/config"))
        .putHeader("content-type", "application/yaml"), Buffer.buffer(yaml)).statusCode();
  }

  /** The boot script a tenant's medium gets for the machine (asserts a 200). */
  public String bootScript(String tenant, String id) {
    HttpResponse<Buffer> r = get(ipxeLike(tenant), bootUrl("/v1/boot/" + id));
    if (r.statusCode() != 200) {
      throw new AssertionError("boot of " + id + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsString();
  }

  /** The first group of {@code p} in a script (a kernel argument's value), asserting it is there. */
  public static String argument(java.util.regex.Pattern p, String script) {
    java.util.regex.Matcher m = p.matcher(script);
    if (!m.find()) {
      throw new AssertionError("script has no " + p + ":\n" + script);
    }
    return m.group(1);
  }

  private HttpResponse<Buffer> send(HttpRequest<Buffer> r, Buffer body) {
    return await(r.sendBuffer(body));
  }

  /** Waits (up to 5 s) until the JSON log contains the text; the log writer is asynchronous. */
  public void awaitLog(String text) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!logs().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("log never contained " + text + ":\n" + logs());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Polls {@code /readyz} until it answers {@code status} (the readiness probe runs every
   * {@link ReadinessProbe#PERIOD}; a change shows within a period plus its deadline) and returns
   * that answer; fails after 15 s.
   */
  public HttpResponse<Buffer> awaitReadyz(int status) {
    WebClient ops = client(new WebClientOptions());
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      HttpResponse<Buffer> r = get(ops, opsUrl("/readyz"));
      if (r.statusCode() == status) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("/readyz never answered " + status + "; last: " + r.statusCode()
            + " " + r.bodyAsString());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public String logs() {
    return logBytes.toString();
  }

  @Override
  public void close() {
    clients.forEach(WebClient::close);
    try {
      server.close();
    } finally {
      log.close();
    }
  }

  public static Duration timeout() {
    return Duration.ofSeconds(60);
  }
}
