package nettboot.redfish.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
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
  private final FileSystem fs;

  MediaFetcher(Vertx vertx) {
    this.fs = vertx.fileSystem();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setTrustAll(true).setVerifyHost(false).setConnectTimeout(5000).setIdleTimeout(30));
  }

  Future<Fetched> fetch(String url) {
    return fetch(url, null);
  }

  /**
   * Fetches into {@code file} (when not null): written to {@code file.part} as it arrives, moved
   * into place only once all of it was fetched; a failed fetch leaves no file behind.
   */
  Future<Fetched> fetch(String url, Path file) {
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
    String part = file == null ? null : file + ".part";
    Future<AsyncFile> sink = file == null ? Future.succeededFuture()
        : fs.open(part, new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true));
    Future<Fetched> fetched = sink.compose(out -> client.request(o).compose(req -> req.send()).compose(resp -> {
      if (resp.statusCode() != 200) {
        resp.pause();
        return Future.failedFuture(new IllegalStateException("the media server answered HTTP " + resp.statusCode()));
      }
      resp.handler(b -> {
        bytes.addAndGet(b.length());
        digest.update(b.getBytes());
        if (out != null) {
          out.write(b);
          if (out.writeQueueFull()) {
            resp.pause();
            out.drainHandler(v -> resp.resume());
          }
        }
      });
      return resp.end();
    }).transform(ar -> closed(out, ar.failed() ? ar.cause() : null)))
        .map(v -> new Fetched(bytes.get(), HexFormat.of().formatHex(digest.digest())));
    if (file == null) {
      return fetched;
    }
    return fetched.transform(ar -> ar.succeeded()
        ? fs.move(part, file.toString(), new CopyOptions().setReplaceExisting(true).setAtomicMove(true))
            .map(ar.result())
        : fs.delete(part).<Fetched>transform(d -> Future.failedFuture(ar.cause())));
  }

  /** Closes the file (if any), then fails with {@code failure} or succeeds. */
  private static Future<Void> closed(AsyncFile out, Throwable failure) {
    Future<Void> c = out == null ? Future.succeededFuture() : out.close();
    return c.transform(ar -> failure != null ? Future.failedFuture(failure)
        : ar.failed() ? Future.failedFuture(ar.cause()) : Future.succeededFuture());
  }

  void close() {
    client.close();
  }
}
