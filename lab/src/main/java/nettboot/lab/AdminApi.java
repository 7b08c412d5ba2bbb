package nettboot.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.error.UnavailableException;
import nettboot.core.pki.EmbeddedCa;

/**
 * The metadata server's admin API as the lab reaches it: {@code curl} with the admin certificate
 * inside the services namespace (the admin listener is on that namespace's loopback; nothing of
 * the lab is routed in the host's own namespace).
 */
public final class AdminApi {
  private final String ns;
  private final EmbeddedCa ca;
  private final String admin;
  private final Path tmp;

  AdminApi(String ns, EmbeddedCa ca, String admin, Path tmp) {
    this.ns = ns;
    this.ca = ca;
    this.admin = admin;
    this.tmp = tmp;
  }

  /** Status and body of one call. */
  public record Response(int status, String body) {
    public Response expect(int... codes) {
      for (int c : codes) {
        if (status == c) {
          return this;
        }
      }
      throw new UnavailableException("admin API answered " + status + ": " + body, null);
    }
  }

  /** A JSON call; {@code json} may be null. */
  public Response call(String method, String path, String json) {
    return send(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** Uploads a file (artifact PUT, config PUT). */
  public Response upload(String method, String path, Path file, String contentType) {
    List<String> cmd = base(method, "300");
    cmd.addAll(List.of("-H", "content-type: " + contentType, "--data-binary", "@" + file, url(path)));
    return curl(cmd);
  }

  private Response send(String method, String path, byte[] body, String contentType) {
    Path f = null;
    try {
      List<String> cmd = base(method, "120");
      if (body != null) {
        f = Files.createTempFile(tmp, "admin", ".body");
        Files.write(f, body);
        cmd.addAll(List.of("-H", "content-type: " + contentType, "--data-binary", "@" + f));
      }
      cmd.add(url(path));
      return curl(cmd);
    } catch (IOException e) {
      throw new UnavailableException("admin call " + method + " " + path + ": " + e.getMessage(), e);
    } finally {
      if (f != null) {
        f.toFile().delete();
      }
    }
  }

  private List<String> base(String method, String maxTime) {
    return new ArrayList<>(Sh.inNetns(ns, "curl", "-sS", "-g", "--max-time", maxTime,
        "--cacert", ca.rootCertPath().toString(), "--cert", ca.adminCertPath(admin).toString(),
        "--key", ca.adminKeyPath(admin).toString(), "-X", method, "-w", "\n%{http_code}"));
  }

  private static String url(String path) {
    return "https://[::1]:" + FabricLab.ADMIN_PORT + path;
  }

  private static Response curl(List<String> cmd) {
    Sh.Result r = Sh.exec(Duration.ofSeconds(330), cmd);
    if (r.exit() != 0) {
      throw new UnavailableException("admin call failed (curl exit " + r.exit() + "): " + r.output().strip(), null);
    }
    String out = r.output();
    int nl = out.lastIndexOf('\n');
    return new Response(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, Math.max(nl, 0)));
  }
}
