package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import nettboot.core.artifact.ArtifactStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Artifact upload and download semantics over real TLS: Range, ETag, HEAD, traversal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactListenerTest {
  EdgeFixture f;
  WebClient acme;
  byte[] kernel;
  String etag;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
    kernel = new byte[3 * 1024 * 1024 + 17];
    new Random(42).nextBytes(kernel);
    JsonObject up = f.uploadArtifact("vmlinuz-amd64", kernel);
    assertThat(up.getString("sha256")).isEqualTo(ArtifactStore.sha256(kernel));
    assertThat(up.getLong("size")).isEqualTo(kernel.length);
    etag = "\"" + up.getString("sha256") + "\"";
    acme = f.tenant("acme");
  }

  @AfterAll
  void stop() {
    f.close();
  }

  private HttpResponse<Buffer> get(String name, String... headers) {
    var req = acme.getAbs(f.bootUrl("/v1/artifacts/" + name));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return f.send(req);
  }

  @Test
  void wholeDownloadsCarryTheDigestAsAStrongEtag() {
    HttpResponse<Buffer> r = get("vmlinuz-amd64");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("etag")).isEqualTo(etag);
    assertThat(r.getHeader("accept-ranges")).isEqualTo("bytes");
    assertThat(r.body().getBytes()).isEqualTo(kernel);
  }

  @Test
  void headReportsTheLengthWithoutABody() {
    HttpResponse<Buffer> r = f.send(acme.headAbs(f.bootUrl("/v1/artifacts/vmlinuz-amd64")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-length")).isEqualTo(Integer.toString(kernel.length));
    assertThat(r.body() == null || r.body().length() == 0).isTrue();
  }

  @Test
  void rangesAnswer206WithExactlyTheRequestedBytes() {
    HttpResponse<Buffer> r = get("vmlinuz-amd64", "range", "bytes=1000-1999");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.getHeader("content-range")).isEqualTo("bytes 1000-1999/" + kernel.length);
    assertThat(r.body().getBytes()).isEqualTo(Arrays.copyOfRange(kernel, 1000, 2000));

    HttpResponse<Buffer> suffix = get("vmlinuz-amd64", "range", "bytes=-100");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body().getBytes()).isEqualTo(Arrays.copyOfRange(kernel, kernel.length - 100, kernel.length));

    HttpResponse<Buffer> open = get("vmlinuz-amd64", "range", "bytes=" + (kernel.length - 10) + "-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body().length()).isEqualTo(10);

    HttpResponse<Buffer> past = get("vmlinuz-amd64", "range", "bytes=0-99999999");
    assertThat(past.statusCode()).isEqualTo(206);
    assertThat(past.body().length()).isEqualTo(kernel.length);
  }

  @Test
  void unsatisfiableRangesAnswer416WithTheSize() {
    HttpResponse<Buffer> r = get("vmlinuz-amd64", "range", "bytes=" + kernel.length + "-");
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.getHeader("content-range")).isEqualTo("bytes */" + kernel.length);
  }

  @Test
  void multiRangesAndStaleIfRangeGetTheWholeArtifact() {
    assertThat(get("vmlinuz-amd64", "range", "bytes=0-1,5-6").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> stale = get("vmlinuz-amd64", "range", "bytes=0-9", "if-range", "\"0000\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body().length()).isEqualTo(kernel.length);
    HttpResponse<Buffer> fresh = get("vmlinuz-amd64", "range", "bytes=0-9", "if-range", etag);
    assertThat(fresh.statusCode()).isEqualTo(206);
  }

  @Test
  void ifNoneMatchWithTheCurrentDigestAnswers304() {
    HttpResponse<Buffer> r = get("vmlinuz-amd64", "if-none-match", etag);
    assertThat(r.statusCode()).isEqualTo(304);
    assertThat(get("vmlinuz-amd64", "if-none-match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void namesCannotEscapeTheArtifactStore() {
    for (String bad : List.of("..%2F..%2Fpki%2Froot-ca.key", "%2e%2e", "..", ".hidden",
        "a%00b", "%2Fetc%2Fpasswd", "sub%2Fname")) {
      HttpResponse<Buffer> r = get(bad);
      assertThat(r.statusCode()).as(bad).isIn(400, 404);
      assertThat(r.bodyAsString()).as(bad).doesNotContain("BEGIN");
    }
    assertThat(get("unknown-artifact").statusCode()).isEqualTo(404);
  }

  @Test
  void anUploadWhoseDigestDoesNotMatchIsRefusedAndStoresNothing() {
    HttpResponse<Buffer> bad = await(f.admin().putAbs(f.adminUrl("/v1/admin/artifacts/tampered"))
        .putHeader("x-checksum-sha256", "0".repeat(64)).sendBuffer(Buffer.buffer("hello")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("sha256");
    assertThat(get("tampered").statusCode()).isEqualTo(404);
  }

  @Test
  void replacingAnAliasChangesTheEtag() {
    f.uploadArtifact("initrd-alias", "one".getBytes());
    String first = get("initrd-alias").getHeader("etag");
    f.uploadArtifact("initrd-alias", "two".getBytes());
    HttpResponse<Buffer> r = get("initrd-alias");
    assertThat(r.getHeader("etag")).isNotEqualTo(first);
    assertThat(r.bodyAsString()).isEqualTo("two");
  }
}
