package nettboot.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import nettboot.core.error.ConflictException;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.StorageFullException;
import nettboot.core.error.TooLargeException;
import nettboot.core.error.UnavailableException;

/**
 * A blocking client of the admin API for the CLI: mTLS with an admin certificate, the platform
 * root as the only trust anchor, host name checked against the server certificate. Error answers
 * become the domain error of their status with the server's one-line message.
 */
public final class AdminClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final WebClient client;
  private final String baseUrl;

  AdminClient(String baseUrl, Path ca, Path cert, Path key) {
    for (var p : new Path[] {ca, cert, key}) {
      if (!Files.isReadable(p)) {
        throw new InvalidInputException(p.toString(), "does not exist or is not readable "
            + "(issue an admin certificate with 'pki admin', or pass --cert/--key/--ca)");
      }
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    if (!this.baseUrl.startsWith("https://")) {
      throw new InvalidInputException("--admin-url", "must be an https:// URL: " + baseUrl);
    }
    this.vertx = Vertx.vertx();
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setSsl(true)
        .setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()))
        .setConnectTimeout(10_000)
        .setIdleTimeout(60));
  }

  public JsonObject get(String path) {
    return send(client.requestAbs(HttpMethod.GET, baseUrl + path), null);
  }

  public JsonObject post(String path, JsonObject body) {
    return send(client.requestAbs(HttpMethod.POST, baseUrl + path), body);
  }

  public JsonObject put(String path, JsonObject body) {
    return send(client.requestAbs(HttpMethod.PUT, baseUrl + path), body);
  }

  /** PUT of a text body (e.g. a machine config as YAML). */
  JsonObject putText(String path, String contentType, String body) {
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.PUT, baseUrl + path).putHeader("content-type", contentType);
    req.timeout(TIMEOUT.toMillis());
    return decode(Await.result(req.sendBuffer(Buffer.buffer(body)).recover(AdminClient::unreachable),
        TIMEOUT.plusSeconds(5), "admin request"));
  }

  /** Streams a file as the raw body of a PUT, with its SHA-256 for the server to verify. */
  public JsonObject putFile(String path, Path file, String sha256) {
    long size;
    try {
      size = Files.size(file);
    } catch (java.io.IOException e) {
      throw new InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
    }
    HttpRequest<Buffer> req = client.requestAbs(HttpMethod.PUT, baseUrl + path)
        .putHeader("content-length", Long.toString(size))
        .putHeader("content-type", "application/octet-stream")
        .putHeader("x-checksum-sha256", sha256)
        .timeout(Duration.ofMinutes(30).toMillis());
    Future<HttpResponse<Buffer>> f = vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
        .compose(req::sendStream);
    return decode(Await.result(f.recover(AdminClient::unreachable), Duration.ofMinutes(31), "upload"));
  }

  private JsonObject send(HttpRequest<Buffer> req, JsonObject body) {
    req.timeout(TIMEOUT.toMillis());
    Future<HttpResponse<Buffer>> f = body == null ? req.send() : req.sendJsonObject(body);
    return decode(Await.result(f.recover(AdminClient::unreachable), TIMEOUT.plusSeconds(5), "admin request"));
  }

  private static <T> Future<T> unreachable(Throwable t) {
    return Future.failedFuture(new UnavailableException("admin API unreachable: " + t.getMessage(), t));
  }

  private static JsonObject decode(HttpResponse<Buffer> r) {
    JsonObject json;
    try {
      json = r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
    } catch (DecodeException e) {
      json = new JsonObject().put("error", r.bodyAsString());
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      return json;
    }
    String msg = json.getString("error", "HTTP " + r.statusCode());
    throw error(r.statusCode(), json.getString("field"), msg);
  }

  static NettBootException error(int status, String field, String message) {
    return switch (status) {
      case 400 -> new InvalidInputException(null, message);
      case 403 -> new ForbiddenException(message);
      case 404 -> new NotFoundException(message);
      case 409, 412 -> new ConflictException(message);
      case 413 -> new TooLargeException(message);
      case 507 -> new StorageFullException(message, null);
      default -> new UnavailableException("server answered " + status + ": " + message, null);
    };
  }

  @Override
  public void close() {
    client.close();
    Await.result(vertx.close(), Duration.ofSeconds(10), "closing the client");
  }
}
