package nettboot.qemu;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import nettboot.core.pki.EmbeddedCa;
import nettboot.lab.Sh;

/**
 * An RA-only IPv6 segment made of two network namespaces, created per test run and always torn
 * down:
 * <pre>
 *   [ns TOR]  r0  fd00:0:0:1::1/64 nodad (+ ::3 no listener, ::4 silent listener), radvd (SLAAC only),
 *             the metadata server (boot/config on ::1, admin/ops on [::1] of this namespace)
 *      | veth
 *   [ns SW]   up0 ── br0 (no L3, IPv6 disabled on every port) ── tap0 ── QEMU
 * </pre>
 * No IPv4 and no DHCP anywhere; nothing reaches the host's own namespace. Admin calls run
 * {@code curl} inside the TOR namespace with the admin certificate.
 */
final class Ipv6Lab implements AutoCloseable {
  static final String PREFIX = "fd00:0:0:1::/64";
  static final String SERVER = "fd00:0:0:1::1";
  /** Assigned in TOR but nothing listens: a metadata server that is down (connection refused). */
  static final String DOWN = "fd00:0:0:1::3";
  /** A listener that accepts TCP and never answers. */
  static final String HUNG = "fd00:0:0:1::4";
  static final String NS_PREFIX = "nbq";
  static final String TAP = "tap0";
  static final String DOMAIN = "boot.e2e.nett";
  static final int ADMIN_PORT = 9443;

  final String id;
  final String torNs;
  final String swNs;
  final Path dir;
  final Path logDir;
  EmbeddedCa ca;
  /** QEMU accelerator for this run: "kvm" if it really works here, else "tcg". */
  String accel;
  Child radvd;
  Child server;
  Child silent;
  private final List<String> created = new ArrayList<>();

  private Ipv6Lab(Path dir, Path logDir) {
    this.id = NS_PREFIX + ProcessHandle.current().pid() + "x"
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    this.torNs = id + "-tor";
    this.swNs = id + "-sw";
    this.dir = dir;
    this.logDir = logDir;
  }

  /** Creates the segment, radvd, the PKI and the real metadata server; tears down on failure. */
  static Ipv6Lab start(Path dir, Path logDir, List<String> tenants) throws Exception {
    Prerequisites.check();
    removeStale();
    Files.createDirectories(dir);
    Files.createDirectories(logDir);
    Ipv6Lab lab = new Ipv6Lab(dir, logDir);
    try {
      lab.accel = QemuMachine.probeAccel();
      lab.wire();
      lab.startRadvd();
      lab.startServer(tenants);
      lab.startSilentListener();
      return lab;
    } catch (Exception | Error e) {
      lab.close();
      throw e;
    }
  }

  private void wire() {
    Sh.run("ip", "netns", "add", torNs);
    created.add(torNs);
    Sh.run("ip", "netns", "add", swNs);
    created.add(swNs);
    // The switch has no L3 at all: IPv6 off before any port exists.
    Sh.run(Duration.ofSeconds(30), Sh.inNetns(swNs, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1").toArray(String[]::new));
    Sh.run(Duration.ofSeconds(30), Sh.inNetns(torNs, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1",
        "net.ipv6.conf.default.accept_dad=0").toArray(String[]::new));
    Sh.run("ip", "-n", torNs, "link", "set", "lo", "up");
    Sh.run("ip", "-n", torNs, "link", "add", "r0", "type", "veth", "peer", "name", "up0", "netns", swNs);
    Sh.run("ip", "-n", swNs, "link", "add", "br0", "type", "bridge", "stp_state", "0",
        "forward_delay", "0", "mcast_snooping", "0");
    Sh.run("ip", "-n", swNs, "link", "set", "up0", "master", "br0");
    Sh.run("ip", "-n", swNs, "tuntap", "add", "dev", TAP, "mode", "tap");
    Sh.run("ip", "-n", swNs, "link", "set", TAP, "master", "br0");
    for (String dev : List.of("br0", "up0", TAP)) {
      Sh.run(Duration.ofSeconds(30), Sh.inNetns(swNs, "sysctl", "-qw",
          "net.ipv6.conf." + dev + ".disable_ipv6=1").toArray(String[]::new));
      Sh.run("ip", "-n", swNs, "link", "set", dev, "up");
    }
    for (String a : List.of(SERVER, DOWN, HUNG)) {
      Sh.run("ip", "-n", torNs, "addr", "add", a + "/64", "dev", "r0", "nodad");
    }
    Sh.run("ip", "-n", torNs, "link", "set", "r0", "up");
  }

  private void startRadvd() throws Exception {
    Path conf = dir.resolve("radvd.conf");
    Files.writeString(conf, """
        interface r0 {
          AdvSendAdvert on;
          MinRtrAdvInterval 3;
          MaxRtrAdvInterval 4;
          AdvManagedFlag off;
          AdvOtherConfigFlag off;
          prefix %s {
            AdvOnLink on;
            AdvAutonomous on;
          };
        };
        """.formatted(PREFIX));
    radvd = new Child("radvd", logDir.resolve("radvd.log"), Sh.inNetns(torNs, "radvd", "--nodaemon",
        "--config", conf.toString(), "--pidfile", dir.resolve("radvd.pid").toString(),
        "--logmethod", "stderr", "--debug", "1"));
    // radvd prints nothing at debug level 1 on success: check it stays up and the config parsed.
    Thread.sleep(500);
    if (!radvd.process.isAlive()) {
      throw new IllegalStateException("radvd exited at start:\n" + radvd.output());
    }
  }

  private void startServer(List<String> tenants) throws Exception {
    ca = EmbeddedCa.init(dir.resolve("pki"), DOMAIN, List.of(SERVER, "::1"), java.time.Clock.systemUTC());
    for (String t : tenants) {
      ca.issueTenant(t);
    }
    ca.issueAdmin("operator");
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", torNs));
    cmd.addAll(ChildJava.command("nettboot.cli.Main"));
    cmd.addAll(List.of("serve", "--pki", ca.dir().toString(), "--data", data.toString(),
        "--boot-listen", "[" + SERVER + "]:443", "--config-listen", "[" + SERVER + "]:8443",
        "--admin-listen", "[::1]:" + ADMIN_PORT, "--ops-listen", "[::1]:9090", "--event-loops", "1"));
    server = new Child("server", logDir.resolve("server.log"), cmd);
    server.await(l -> l.contains("\"event\":\"server_started\""), Duration.ofSeconds(120));
  }

  private void startSilentListener() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", torNs));
    cmd.addAll(ChildJava.command(SilentListener.class.getName()));
    cmd.addAll(List.of(HUNG, "443"));
    silent = new Child("silent-listener", logDir.resolve("silent-listener.log"), cmd);
    silent.await(l -> l.startsWith("listening"), Duration.ofSeconds(60));
  }

  /** One admin API call through curl inside TOR; returns the status and the body. */
  Response admin(String method, String path, String jsonBody) {
    List<String> cmd = new ArrayList<>(Sh.inNetns(torNs, "curl", "-sS", "--max-time", "120",
        "--cacert", ca.rootCertPath().toString(), "--cert", ca.adminCertPath("operator").toString(),
        "--key", ca.adminKeyPath("operator").toString(), "-X", method, "-w", "\n%{http_code}"));
    Path body = null;
    try {
      if (jsonBody != null) {
        body = Files.createTempFile(dir, "body", ".json");
        Files.writeString(body, jsonBody, StandardCharsets.UTF_8);
        cmd.addAll(List.of("-H", "content-type: application/json", "--data-binary", "@" + body));
      }
      cmd.add("https://[::1]:" + ADMIN_PORT + path);
      return curl(cmd);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      if (body != null) {
        body.toFile().delete();
      }
    }
  }

  /** Stores a machine's Talos config (YAML) through the admin API. */
  void putConfig(String id, String yaml) {
    try {
      Path body = Files.createTempFile(dir, "config", ".yaml");
      try {
        Files.writeString(body, yaml, StandardCharsets.UTF_8);
        curl(new ArrayList<>(Sh.inNetns(torNs, "curl", "-sS", "--max-time", "120",
            "--cacert", ca.rootCertPath().toString(), "--cert", ca.adminCertPath("operator").toString(),
            "--key", ca.adminKeyPath("operator").toString(), "-X", "PUT", "-w", "\n%{http_code}",
            "-H", "content-type: application/yaml", "--data-binary", "@" + body,
            "https://[::1]:" + ADMIN_PORT + "/v1/admin/machines/" + id + "/config"))).expect(200);
      } finally {
        Files.deleteIfExists(body);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Uploads a file as an artifact; the server verifies and stores it. */
  Response upload(String name, Path file) {
    List<String> cmd = new ArrayList<>(Sh.inNetns(torNs, "curl", "-sS", "--max-time", "300",
        "--cacert", ca.rootCertPath().toString(), "--cert", ca.adminCertPath("operator").toString(),
        "--key", ca.adminKeyPath("operator").toString(), "-X", "PUT", "-w", "\n%{http_code}",
        "-H", "content-type: application/octet-stream", "--data-binary", "@" + file,
        "https://[::1]:" + ADMIN_PORT + "/v1/admin/artifacts/" + name));
    return curl(cmd);
  }

  private static Response curl(List<String> cmd) {
    Sh.Result r = Sh.exec(Duration.ofSeconds(330), cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException("admin call failed (curl exit " + r.exit() + "): " + r.output());
    }
    String out = r.output();
    int nl = out.lastIndexOf('\n');
    return new Response(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, Math.max(nl, 0)));
  }

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    Response expect(int code) {
      if (status != code) {
        throw new AssertionError("admin API answered " + status + " (expected " + code + "): " + body);
      }
      return this;
    }
  }

  /** Access-log lines of the boot listener for a path. */
  List<JsonObject> bootRequests(String path) {
    List<JsonObject> found = new ArrayList<>();
    for (String l : server.lines) {
      if (l.contains("\"http_request\"") && l.contains("\"path\":\"" + path + "\"")) {
        JsonObject o = new JsonObject(l);
        if ("boot".equals(o.getString("listener"))) {
          found.add(o);
        }
      }
    }
    return found;
  }

  /** Copies the lab's logs next to a failing test's serial log. */
  void keepLogs(Path testDir) {
    for (Child c : new Child[] {radvd, server, silent}) {
      if (c != null) {
        try {
          Files.createDirectories(testDir);
          Files.copy(c.logFile, testDir.resolve(c.logFile.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          // best effort: the originals stay in the lab's log directory
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Child c : new Child[] {silent, server, radvd}) {
      if (c != null) {
        c.close();
      }
    }
    for (String ns : created.reversed()) {
      deleteNamespace(ns);
    }
    created.clear();
  }

  /** Kills whatever still runs in the namespace (only processes this harness started) and deletes it. */
  private static void deleteNamespace(String ns) {
    Sh.Result pids = Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "pids", ns));
    if (pids.exit() == 0) {
      for (String p : pids.output().split("\\s+")) {
        if (p.matches("[0-9]+")) {
          ProcessHandle.of(Long.parseLong(p)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
    Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "del", ns));
  }

  /**
   * Removes namespaces left by earlier runs of this harness (name {@code nbq<pid>x<hex>-tor|sw})
   * whose JVM is gone, e.g. after a kill -9 of a test run.
   */
  static void removeStale() {
    Sh.Result list = Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "list"));
    for (String line : list.output().split("\n")) {
      String ns = line.trim().split("\\s+")[0];
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(NS_PREFIX + "([0-9]+)x[0-9a-f]{4}-(tor|sw)").matcher(ns);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false) == false) {
        deleteNamespace(ns);
      }
    }
  }
}
