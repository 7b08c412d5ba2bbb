package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.pki.Pem;
import nettboot.core.pki.VerifiedCrl;

/**
 * Loads the external CRLs of {@link CrlSources} into {@link Revocations} and refreshes them on a
 * timer. Each CRL must verify ({@link VerifiedCrl}) against the certificates of the client CA
 * file. At start-up every source must load, or the server does not start (it would otherwise
 * accept certificates the operator meant it to check). On a refresh, a CRL that cannot be fetched,
 * fails to verify or is stale is refused and logged ({@code crl_refresh_failed}), and the previous
 * one stays in force. Fetching and verifying block (file, HTTP): they run on a worker thread.
 */
final class ExternalCrls implements AutoCloseable {
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
  private static final long MAX_CRL_BYTES = 64L << 20;

  private final Vertx vertx;
  private final CrlSources sources;
  private final List<X509Certificate> trusted;
  private final Revocations revocations;
  private final JsonLog log;
  private final Clock clock;
  private final HttpClient http;
  private long timer = -1;

  private ExternalCrls(Vertx vertx, CrlSources sources, List<X509Certificate> trusted,
      Revocations revocations, JsonLog log, Clock clock) {
    this.vertx = vertx;
    this.sources = sources;
    this.trusted = trusted;
    this.revocations = revocations;
    this.log = log;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /**
   * Loads every source (failing with the first that does not load) and starts the refresh timer.
   * Blocks: call it on a worker.
   */
  static ExternalCrls startBlocking(Vertx vertx, CrlSources sources, Path clientCa,
      Revocations revocations, JsonLog log, Clock clock) {
    ExternalCrls crls = new ExternalCrls(vertx, sources, Pem.readCertificates(clientCa), revocations,
        log, clock);
    if (sources.sources().isEmpty()) {
      return crls;
    }
    for (String source : sources.sources()) {
      crls.load(source);
    }
    crls.timer = vertx.setPeriodic(sources.refresh().toMillis(), id -> crls.refresh());
    return crls;
  }

  private void refresh() {
    for (String source : sources.sources()) {
      vertx.executeBlocking(() -> load(source), false).onFailure(e -> {
        VerifiedCrl kept = revocations.crls().get(source);
        log.warn("crl_refresh_failed", JsonLog.fields("source", source,
            "error", String.valueOf(e.getMessage()),
            "kept_this_update", kept == null ? null : kept.thisUpdate().toString(),
            "kept_next_update", kept == null ? null : kept.nextUpdate().toString(),
            "next_try_ms", sources.refresh().toMillis()));
      });
    }
  }

  /** Fetches, verifies and installs one source; throws (InvalidInput/Unavailable) when it cannot. */
  private VerifiedCrl load(String source) {
    VerifiedCrl crl = VerifiedCrl.verify(fetch(source), source, trusted, clock.instant());
    VerifiedCrl before = revocations.crls().get(source);
    revocations.crl(source, crl);
    if (before == null || !before.thisUpdate().equals(crl.thisUpdate())) {
      log.info("crl_loaded", JsonLog.fields("source", source, "issuer", crl.issuer().getName(),
          "entries", crl.size(), "this_update", crl.thisUpdate().toString(),
          "next_update", crl.nextUpdate().toString()));
    }
    return crl;
  }

  private byte[] fetch(String source) {
    if (source.startsWith("http://") || source.startsWith("https://")) {
      try {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(source))
            .timeout(FETCH_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          throw new UnavailableException("CRL " + source + " answered HTTP " + r.statusCode(), null);
        }
        if (r.body().length > MAX_CRL_BYTES) {
          throw new InvalidInputException(source, "CRL larger than " + MAX_CRL_BYTES + " bytes");
        }
        return r.body();
      } catch (IOException e) {
        throw new UnavailableException("cannot fetch the CRL " + source + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("fetching the CRL " + source + " was interrupted", e);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("crl", source + " is not a valid URL");
      }
    }
    try {
      Path p = Path.of(source);
      if (Files.size(p) > MAX_CRL_BYTES) {
        throw new InvalidInputException(source, "CRL larger than " + MAX_CRL_BYTES + " bytes");
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new InvalidInputException(source, "cannot read the CRL: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    http.close();
  }
}
