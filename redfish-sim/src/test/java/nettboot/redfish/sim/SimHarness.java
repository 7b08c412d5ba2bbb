package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ProvisioningFlow;
import nettboot.core.redfish.RedfishOptions;

/**
 * A test world: a Vert.x instance, a CA made now (the simulators' TLS), a media server (plain
 * HTTP and HTTPS) that serves {@code /NAME.iso}, and simulators started on ephemeral ports.
 */
final class SimHarness implements AutoCloseable {
  static final String HOST = "::1";
  static final String USER = "operator";
  static final int ISO_BYTES = 256 * 1024;

  final Vertx vertx = Vertx.vertx();
  final EmbeddedCa ca;
  final String password;
  final Buffer iso;
  final HttpServer mediaHttp;
  final HttpServer mediaHttps;
  private final List<Simulator> simulators = new ArrayList<>();
  /** real images served by name ({@code /media/NAME.iso}); other names get the random bytes */
  private final java.util.Map<String, Path> files = new java.util.concurrent.ConcurrentHashMap<>();

  SimHarness(Path tmp) {
    ca = EmbeddedCa.init(tmp.resolve("sim-ca"), "sim.example.net", List.of(HOST), java.time.Clock.systemUTC());
    SecureRandom r = new SecureRandom();
    byte[] pw = new byte[12];
    r.nextBytes(pw);
    password = java.util.HexFormat.of().formatHex(pw);
    byte[] data = new byte[ISO_BYTES];
    r.nextBytes(data);
    iso = Buffer.buffer(data);
    mediaHttp = await(vertx.createHttpServer().requestHandler(this::serveMedia).listen(0, HOST));
    mediaHttps = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(SimTls.keyCert(ca))).requestHandler(this::serveMedia).listen(0, HOST));
  }

  /** Serves {@code file} at {@link #mediaUrl mediaUrl(name, …)}. */
  void serve(String name, Path file) {
    files.put("/media/" + name + ".iso", file);
  }

  private void serveMedia(io.vertx.core.http.HttpServerRequest req) {
    Path file = files.get(req.path());
    if (file != null) {
      req.response().putHeader("Content-Type", "application/octet-stream").sendFile(file.toString());
    } else if (req.path().endsWith(".iso") && !req.path().contains("missing")) {
      req.response().putHeader("Content-Type", "application/octet-stream").end(iso);
    } else {
      req.response().setStatusCode(404).end("not found");
    }
  }

  String mediaUrl(String name, boolean https) {
    return (https ? "https://[::1]:" + mediaHttps.actualPort() : "http://[::1]:" + mediaHttp.actualPort())
        + "/media/" + name + ".iso";
  }

  SimSettings settings(String profile, Fault... faults) {
    return new SimSettings(VendorProfile.named(profile), USER, password, SimTls.keyCert(ca), List.of(faults),
        Duration.ofMillis(100), Duration.ofMillis(300));
  }

  Simulator start(List<BmcSpec> specs) {
    Simulator sim = await(Simulator.start(vertx, HOST, 0, specs));
    simulators.add(sim);
    return sim;
  }

  Simulator start(SimSettings s, int count) {
    Simulator sim = await(Simulator.start(vertx, s, HOST, 0, count));
    simulators.add(sim);
    return sim;
  }

  SimulatedBmc startOne(SimSettings s) {
    return start(s, 1).bmcs().get(0);
  }

  BmcTarget target(SimulatedBmc bmc) {
    return new BmcTarget("node-" + bmc.port(), java.net.URI.create(bmc.url()), new BmcCredentials(USER, password),
        new BmcTrust.Pinned(Pem.readCertificates(ca.rootCertPath()), ca.rootCertPath().toString()));
  }

  /** Fast test deadlines: requests 2 s, retries 100 ms apart, Retry-After capped at 200 ms. */
  static RedfishOptions fastOptions() {
    return new RedfishOptions(Duration.ofSeconds(2), Duration.ofSeconds(2), 6, Duration.ofMillis(100),
        Duration.ofMillis(200), Duration.ofSeconds(20), 20);
  }

  ProvisionReport run(BmcTarget target, String mediaUrl, Mode mode, RedfishOptions options) {
    return await(new ProvisioningFlow(vertx, options).run(target, mediaUrl, mode));
  }

  /** Waits until the BMC has booted at least once (power delay + POST), returns its state. */
  SimSnapshot awaitBoot(SimulatedBmc bmc) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      SimSnapshot s = await(bmc.snapshot());
      if (!s.boots().isEmpty()) {
        return s;
      }
      Thread.sleep(50);
    }
    return await(bmc.snapshot());
  }

  @Override
  public void close() {
    for (Simulator s : simulators) {
      await(s.stop());
    }
    await(vertx.close());
  }
}
