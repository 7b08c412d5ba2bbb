package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BMC behind a reverse proxy that serves it under {@code /bmc7/} and does not rewrite its links:
 * the client puts every request under the prefix.
 */
class PathPrefixTest {
  static final String PREFIX = "/bmc7";

  @Test
  void aBmcUnderAPathPrefixIsProvisioned(@TempDir Path tmp) throws Exception {
    try (SimHarness h = new SimHarness(tmp)) {
      SimulatedBmc bmc = h.startOne(h.settings("generic"));
      WebClient upstream = WebClient.create(h.vertx, new WebClientOptions().setSsl(true).setVerifyHost(false)
          .setTrustOptions(new PemTrustOptions().addCertPath(h.ca.rootCertPath().toString())));
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      HttpServer proxy = await(h.vertx.createHttpServer(new HttpServerOptions().setSsl(true)
          .setKeyCertOptions(SimTls.keyCert(h.ca))).requestHandler(req -> req.body().onSuccess(body -> {
            seen.add(req.method() + " " + req.path());
            if (!req.path().startsWith(PREFIX + "/")) {
              req.response().setStatusCode(404).end();
              return;
            }
            var out = upstream.requestAbs(req.method(), bmc.url() + req.uri().substring(PREFIX.length()));
            for (String name : List.of("X-Auth-Token", "Authorization", "If-Match", "Content-Type", "OData-Version",
                "Accept")) {
              if (req.getHeader(name) != null) {
                out.putHeader(name, req.getHeader(name));
              }
            }
            out.sendBuffer(body).onComplete(ar -> {
              if (ar.failed()) {
                req.response().setStatusCode(502).end();
                return;
              }
              var r = ar.result();
              req.response().setStatusCode(r.statusCode());
              for (String name : List.of("ETag", "Location", "X-Auth-Token", "Content-Type", "Retry-After")) {
                if (r.getHeader(name) != null) {
                  req.response().putHeader(name, r.getHeader(name));
                }
              }
              req.response().end(r.body() == null ? io.vertx.core.buffer.Buffer.buffer() : r.body());
            });
          })).listen(0, SimHarness.HOST));
      BmcTarget direct = h.target(bmc);
      BmcTarget proxied = new BmcTarget("prefixed", URI.create("https://[::1]:" + proxy.actualPort() + PREFIX
          + "/redfish/v1/"), direct.credentials(), direct.trust());
      assertThat(proxied.url().toString()).endsWith(PREFIX);
      String url = h.mediaUrl("prefixed", true);
      ProvisionReport r = h.run(proxied, url, Mode.FULL, SimHarness.fastOptions());
      assertThat(r.ok()).as(r.summary() + "\n" + r.steps()).isTrue();
      assertThat(seen).isNotEmpty().allMatch(s -> s.contains(" " + PREFIX + "/redfish/v1"));
      assertThat(seen).contains("DELETE " + PREFIX + "/redfish/v1/SessionService/Sessions/1");
      assertThat(r.steps()).allMatch(s -> s.exchange() == null || s.exchange().path().startsWith(PREFIX + "/"));
      assertThat(await(bmc.snapshot()).cdImage()).isEqualTo(url);
      await(proxy.close());
      upstream.close();
    }
  }
}
