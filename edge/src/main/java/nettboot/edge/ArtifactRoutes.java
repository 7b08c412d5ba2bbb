package nettboot.edge;

import io.vertx.core.Future;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.TooLargeException;
import nettboot.core.machine.Names;
import nettboot.core.store.ArtifactRecord;

/**
 * Artifact download ({@code GET|HEAD /v1/artifacts/{name}}: Range 206/416, If-Range, strong ETag =
 * SHA-256, If-None-Match 304, streamed from disk with back-pressure by {@link FileBody}) and upload
 * ({@code PUT /v1/admin/artifacts/{name}}: streamed to disk, hashed, verified, moved into place).
 */
final class ArtifactRoutes {
  private final EdgeServices services;

  ArtifactRoutes(EdgeServices services) {
    this.services = services;
  }

  void serve(RoutingContext ctx) {
    RequestScope scope = RequestScope.of(ctx);
    scope.endpoint = "artifact";
    String name;
    try {
      name = Names.requireArtifact("name", ctx.pathParam("name"));
    } catch (InvalidInputException e) {
      TextErrors.fail(ctx, services, e);
      return;
    }
    services.store().artifact(name).onComplete(ar -> {
      if (ar.failed()) {
        TextErrors.fail(ctx, services, ar.cause());
      } else if (ar.result().isEmpty()) {
        TextErrors.fail(ctx, services, new NotFoundException("no artifact named " + name));
      } else {
        send(ctx, ar.result().get());
      }
    });
  }

  private void send(RoutingContext ctx, ArtifactRecord a) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse res = ctx.response();
    String etag = "\"" + a.sha256() + "\"";
    long size = a.size();
    res.putHeader("etag", etag)
        .putHeader("accept-ranges", "bytes")
        .putHeader("cache-control", "no-cache")
        .putHeader("content-type", "application/octet-stream");

    String inm = req.getHeader("if-none-match");
    if (inm != null && matches(inm, etag)) {
      res.setStatusCode(304).end();
      return;
    }
    ByteRange.Request range = ByteRange.parse(req.getHeader("range"), size);
    String ifRange = req.getHeader("if-range");
    if (ifRange != null && !ifRange.trim().equals(etag)) {
      range = new ByteRange.Whole(); // representation changed (or a date validator): send it all
    }
    long offset;
    long length;
    switch (range) {
      case ByteRange.Unsatisfiable u -> {
        res.setStatusCode(416).putHeader("content-range", "bytes */" + size)
            .putHeader("content-type", "text/plain; charset=utf-8")
            .end("range not satisfiable: the artifact has " + size + " bytes\n");
        return;
      }
      case ByteRange.Partial p -> {
        res.setStatusCode(206).putHeader("content-range", p.range().contentRange(size));
        offset = p.range().first();
        length = p.range().length();
      }
      case ByteRange.Whole w -> {
        offset = 0;
        length = size;
      }
    }
    if (req.method() == HttpMethod.HEAD) {
      res.putHeader("content-length", Long.toString(length)).end();
      return;
    }
    Path blob = services.artifacts().blobPath(a.sha256());
    FileBody.send(res, blob, offset, length,
        services.chunkBudgets().current(io.vertx.core.Vertx.currentContext()), services.metrics()).onComplete(done -> {
      if (done.succeeded()) {
        services.metrics().artifactBytes(length);
      } else if (!res.headWritten()) {
        services.log().error("artifact_unreadable", JsonLog.fields("request_id",
            RequestScope.of(ctx).id, "artifact", a.name(), "sha256", a.sha256(),
            "error", String.valueOf(done.cause())));
        HttpErrors.sendText(res, 503, "artifact content is not available on this replica");
      } else {
        // The client went away or the stream broke mid-transfer: nothing more can be sent.
        ctx.request().connection().close();
      }
    });
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** {@code PUT /v1/admin/artifacts/{name}}: needs Content-Length; optional X-Checksum-SHA256. */
  void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.pause();
    RequestScope scope = RequestScope.of(ctx);
    scope.endpoint = "admin_artifact_put";
    String name;
    long declared;
    try {
      name = Names.requireArtifact("name", ctx.pathParam("name"));
      String cl = req.getHeader("content-length");
      if (cl == null) {
        throw new InvalidInputException("content-length",
            "required for uploads (send the file with a known length)");
      }
      try {
        declared = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        throw new InvalidInputException("content-length", "not a number");
      }
      if (declared > services.config().maxArtifactBytes()) {
        throw new TooLargeException("artifact of " + declared + " bytes exceeds the limit of "
            + services.config().maxArtifactBytes());
      }
    } catch (RuntimeException e) {
      AdminRoutes.fail(ctx, services, e);
      req.connection().close();
      return;
    }
    String expected = req.getHeader("x-checksum-sha256");
    ArtifactStore store = services.artifacts();
    Path temp = store.newIncomingFile();
    io.vertx.core.Vertx vertx = ctx.vertx();
    vertx.fileSystem().open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(file -> req.pipeTo(file))
        .compose(v -> vertx.executeBlocking(() -> store.commit(temp, expected), false))
        .compose(stored -> {
          if (stored.size() != declared) {
            return Future.failedFuture(new InvalidInputException("content-length",
                "received " + stored.size() + " bytes, announced " + declared));
          }
          return services.store().putArtifact(new ArtifactRecord(name, stored.sha256(),
              stored.size(), services.clock().instant()));
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            vertx.executeBlocking(() -> java.nio.file.Files.deleteIfExists(temp), false);
            AdminRoutes.fail(ctx, services, ar.cause());
            return;
          }
          ArtifactRecord r = ar.result();
          HttpErrors.sendJson(ctx.response(), 200, new JsonObject().put("name", r.name())
              .put("sha256", r.sha256()).put("size", r.size())
              .put("updatedAt", r.updatedAt().toString()));
        });
  }
}
