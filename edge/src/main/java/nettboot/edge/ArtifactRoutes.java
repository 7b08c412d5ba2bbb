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
import nettboot.core.error.StorageFullException;
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

  /**
   * A failure because the artifact disk is full becomes one {@link StorageFullException} (507, one
   * line naming the cause) and is logged: the operator must free space, the client did nothing
   * wrong. Any other failure is passed on unchanged.
   */
  private Throwable storageFull(RoutingContext ctx, String name, ArtifactStore store, Throwable t) {
    if (!StorageFullException.isDiskFull(t)) {
      return t;
    }
    services.log().error("artifact_storage_full", JsonLog.fields("request_id",
        RequestScope.of(ctx).id, "artifact", name, "dir", store.root().toString(),
        "error", String.valueOf(t).lines().findFirst().orElse("")));
    return t instanceof StorageFullException full ? full : new StorageFullException(
        "artifact storage is full (no space left on device); nothing stored", t);
  }

  /**
   * The request delivered {@code offered} bytes; when the file holds fewer, the disk lost them
   * (a write failure the stream did not report): the server's fault, a full disk when the free
   * space could not hold them. Blocks: call on a worker.
   */
  private static void keptEverything(Path temp, long offered) throws java.io.IOException {
    long kept = java.nio.file.Files.size(temp);
    if (kept == offered) {
      return;
    }
    if (java.nio.file.Files.getFileStore(temp).getUsableSpace() < offered - kept) {
      throw new StorageFullException("artifact storage is full (no space left on device);"
          + " nothing stored", null);
    }
    throw new nettboot.core.error.UnavailableException("artifact storage kept " + kept + " of "
        + offered + " bytes received; nothing stored", null);
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
    UploadFile[] into = new UploadFile[1];
    vertx.fileSystem().open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .compose(file -> {
          into[0] = new UploadFile(file);
          return req.pipeTo(into[0]);
        })
        .compose(v -> vertx.executeBlocking(() -> {
          if (into[0].failure() != null) {
            throw new java.io.IOException(into[0].failure().getMessage(), into[0].failure());
          }
          keptEverything(temp, into[0].offered());
          return store.commit(temp, expected);
        }, false))
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
            AdminRoutes.fail(ctx, services, storageFull(ctx, name, store, ar.cause()));
            return;
          }
          ArtifactRecord r = ar.result();
          HttpErrors.sendJson(ctx.response(), 200, new JsonObject().put("name", r.name())
              .put("sha256", r.sha256()).put("size", r.size())
              .put("updatedAt", r.updatedAt().toString()));
        });
  }
}
