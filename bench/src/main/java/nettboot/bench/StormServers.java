package nettboot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.cli.Main;
import nettboot.core.error.UnavailableException;

/**
 * The servers of the reboot-storm benchmark, both on loopback with the same certificates and the
 * same files of a {@link StormLab}: the edge ({@code serve} in a child JVM from this class path)
 * and nginx (child process with a generated config).
 */
final class StormServers {
  private StormServers() {}

  /** A free TCP port on the loopback address both servers listen on. */
  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(StormLab.HOST, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UnavailableException("cannot find a free port on " + StormLab.HOST + ": " + e.getMessage(), e);
    }
  }

  /** Starts {@code serve} in a child JVM on the lab; waits until it listens. */
  static Child startEdge(StormLab.Lab lab, int port, List<String> jvmOptions, List<String> serveOptions)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Djava.net.preferIPv6Addresses=true");
    // as the launcher starts 'serve' (see ./talos-fabric-builder); jvmOptions may override it
    cmd.add("-Dio.netty.allocator.type=pooled");
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--pki", lab.dir().resolve("pki").toString(), "--data", lab.data().toString(),
        "--boot-listen", "[" + StormLab.HOST + "]:" + port,
        "--config-listen", "[" + StormLab.HOST + "]:" + freePort(),
        "--admin-listen", "[" + StormLab.HOST + "]:" + freePort(),
        "--ops-listen", "[" + StormLab.HOST + "]:" + freePort(), "--events-listen", "off", "--no-access-log"));
    // Every simulated machine connects from the one loopback address, where a real fleet has an
    // address per machine: the per-address budget is raised to the storm's size; the per-tenant
    // budget (all machines are one tenant) stays at its default and is what the storm measures.
    cmd.addAll(List.of("--boot-burst-per-address", "1000000", "--boot-rate-per-address", "1000000"));
    cmd.addAll(serveOptions);
    Child c = Child.start("edge", port, cmd, lab.dir().resolve("edge.log"));
    c.awaitLine("server_started", Duration.ofSeconds(90));
    return c;
  }

  /** The nginx of the reference run: same chain, key, client CA, files; TLS 1.2+1.3; sendfile; keep-alive. */
  static Child startNginx(StormLab.Lab lab, String binary, int port, Duration handshakeTimeout, Duration idleTimeout)
      throws IOException, InterruptedException {
    Path conf = lab.dir().resolve("nginx");
    Files.createDirectories(conf.resolve("tmp"));
    boolean root = "root".equals(System.getProperty("user.name"));
    String cfg = String.join("\n",
        root ? "user nobody nogroup;" : "",
        "worker_processes auto;",
        "worker_rlimit_nofile 65536;",
        "pid " + conf.resolve("nginx.pid") + ";",
        "error_log " + conf.resolve("error.log") + " warn;",
        "events { worker_connections 16384; }",
        "http {",
        "  access_log off;",
        "  sendfile on; tcp_nopush on; tcp_nodelay on;",
        "  keepalive_timeout " + idleTimeout.toSeconds() + "s; keepalive_requests 100000;",
        "  client_header_timeout " + handshakeTimeout.toSeconds() + "s;",
        "  send_timeout " + idleTimeout.toSeconds() + "s;",
        "  client_body_temp_path " + conf.resolve("tmp/body") + ";",
        "  proxy_temp_path " + conf.resolve("tmp/proxy") + ";",
        "  fastcgi_temp_path " + conf.resolve("tmp/fastcgi") + ";",
        "  uwsgi_temp_path " + conf.resolve("tmp/uwsgi") + ";",
        "  scgi_temp_path " + conf.resolve("tmp/scgi") + ";",
        "  default_type application/octet-stream;",
        "  server {",
        "    listen [" + StormLab.HOST + "]:" + port + " ssl backlog=4096;",
        "    ssl_certificate " + lab.ca().serverCertPath() + ";",
        "    ssl_certificate_key " + lab.ca().serverKeyPath() + ";",
        "    ssl_client_certificate " + lab.ca().rootCertPath() + ";",
        "    ssl_verify_client on;",
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        "    ssl_session_cache off;",
        "    ssl_session_tickets off;",
        "    root " + lab.www() + ";",
        "    location /v1/boot/ { default_type \"text/plain; charset=utf-8\"; add_header cache-control no-store; }",
        "    location /v1/artifacts/ { add_header cache-control no-cache; }",
        "  }",
        "}", "");
    Path file = conf.resolve("nginx.conf");
    Files.writeString(file, cfg, StandardCharsets.UTF_8);
    Child c = Child.start("nginx", port, List.of(binary, "-p", conf.toString(), "-c", file.toString(), "-e",
        conf.resolve("error.log").toString(), "-g", "daemon off; master_process on;"), conf.resolve("stderr.log"));
    try {
      c.awaitReady(() -> listens(port), Duration.ofSeconds(20), "listen on port " + port);
    } catch (UnavailableException e) {
      Path errors = conf.resolve("error.log");
      throw new UnavailableException(e.getMessage() + (Files.exists(errors) ? "\n" + Files.readString(errors) : ""), e);
    }
    return c;
  }

  private static boolean listens(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(StormLab.HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
