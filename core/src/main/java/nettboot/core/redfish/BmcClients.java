package nettboot.core.redfish;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;

import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.System.Logger.Level;

/** One HTTP client per BMC, trusting only what that BMC's configuration pins. */
final class BmcClients {
  private static final System.Logger LOG = System.getLogger("nettboot.redfish");

  private BmcClients() {}

  static WebClient create(Vertx vertx, BmcTarget target, RedfishOptions options) {
    WebClientOptions o = new WebClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
        .setSslHandshakeTimeout(options.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setFollowRedirects(false)
        .setKeepAlive(true)
        .setUserAgent("nett-boot-redfish");
    if ("https".equals(target.url().getScheme())) {
      o.setSsl(true);
      switch (target.trust()) {
        case BmcTrust.Pinned p -> o.setTrustOptions(new PinnedTrustOptions(
            new PinningTrustManager(p.certificates(), p.source()))).setVerifyHost(true);
        case BmcTrust.Insecure i -> {
          o.setTrustAll(true).setVerifyHost(false);
          LOG.log(Level.WARNING, "BMC " + target.display() + " (" + target.name()
              + "): TLS certificate verification DISABLED by the explicit insecure flag");
        }
      }
    } else {
      LOG.log(Level.WARNING, "BMC " + target.display() + " (" + target.name()
          + "): plain HTTP by the explicit insecure flag; credentials travel unencrypted");
    }
    // few requests at a time per BMC; BMC web servers are small
    return WebClient.create(vertx, o, new PoolOptions().setHttp1MaxSize(2));
  }
}
