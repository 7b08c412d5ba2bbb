package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fetches a media image the way a BMC does: streams the whole body (never held in memory),
 * counting and hashing it; fails with a BMC-like reason on 4xx/5xx, refused connections and
 * timeouts. Like most BMCs it does not verify the media server's certificate.
 */
final class MediaFetcher {
  /** The image was fetched: its size and SHA-256. */
  record Fetched(long bytes, String sha256) {}

  private final HttpClient client;

  MediaFetcher(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setTrustAll(true).setVerifyHost(false).setConnectTimeout(5000).setIdleTimeout(30));
  }

  Future<Fetched> fetch(String url) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return Future.failedFuture(e);
    }
    AtomicLong bytes = new AtomicLong();
    RequestOptions o;
    try {
      o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(60_000);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException("not a fetchable URL: " + url));
    }
    return client.request(o).compose(req -> req.send()).compose(resp -> {
      if (resp.statusCode() != 200) {
        resp.pause();
        return Future.failedFuture(new IllegalStateException("the media server answered HTTP " + resp.statusCode()));
      }
      resp.handler(b -> {
        bytes.addAndGet(b.length());
        digest.update(b.getBytes());
      });
      return resp.end();
    }).map(v -> new Fetched(bytes.get(), HexFormat.of().formatHex(digest.digest())));
  }

  void close() {
    client.close();
  }
}
