package nettboot.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.boot.BootDecider;
import nettboot.core.boot.BootDecision;
import nettboot.core.boot.IpxeScript;
import nettboot.core.error.UnavailableException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Role;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.MachineStore;
import nettboot.core.store.StoreFactory;

/**
 * The servers of the reboot-storm benchmark: a lab (PKI, enrolled machines, artifact files) under
 * a temp directory, the edge ({@code serve} in a child JVM) and nginx (child process with a
 * generated config), both on loopback with the same certificates and the same files.
 */
final class StormServers {
  static final String TENANT = "storm";
  static final String PROFILE = "storm-install";
  static final String KERNEL = "storm-kernel";
  static final String INITRAMFS = "storm-initramfs";
  static final String ISO = "storm-iso";
  static final String HOST = "::1";

  private StormServers() {}

  /** The n-th benchmark machine (the same ids as 'bench boot'). */
  static String machineId(int i) {
    return String.format("b0000000-0000-4000-8000-%012d", i + 1);
  }

  /** Artifact sizes of a run. */
  record Sizes(long kernel, long initramfs, long iso) {}

  /** The prepared lab: PKI, SQLite data with enrolled machines and artifacts, nginx document root. */
  record Lab(Path dir, EmbeddedCa ca, Path data, Path files, Path www, int machines, Sizes sizes) {
    Path tenantCert() {
      return ca.tenantCertPath(TENANT);
    }

    Path tenantKey() {
      return ca.tenantKeyPath(TENANT);
    }
  }

  static Lab prepare(Path dir, int machines, Sizes sizes, int nginxPort) throws IOException {
    EmbeddedCa ca = EmbeddedCa.init(dir.resolve("pki"), "boot.storm.test",
        List.of(HOST, "127.0.0.1", "localhost"), Clock.systemUTC());
    ca.issueTenant(TENANT);
    Path files = dir.resolve("files");
    Path data = dir.resolve("data");
    Path www = dir.resolve("www");
    Files.createDirectories(files);
    Files.createDirectories(data);
    Files.createDirectories(www.resolve("v1").resolve("boot"));
    Files.createDirectories(www.resolve("v1").resolve("artifacts"));
    // Kernel and initramfs: random content; the ISO: sparse (virtual media reads mostly zeros too).
    writeRandom(files.resolve(KERNEL), sizes.kernel());
    writeRandom(files.resolve(INITRAMFS), sizes.initramfs());
    try (RandomAccessFile f = new RandomAccessFile(files.resolve(ISO).toFile(), "rw")) {
      f.setLength(sizes.iso());
      f.seek(0);
      f.write(("CD001 nett-boot storm ISO\n").getBytes(StandardCharsets.US_ASCII));
    }
    Vertx vertx = Vertx.vertx();
    MachineStore store = StoreFactory.sqlite(vertx, data);
    try {
      Duration t = Duration.ofMinutes(5);
      Await.result(store.migrate(), t, "migrating the storm store");
      ArtifactStore blobs = new ArtifactStore(data.resolve("artifacts"));
      Instant now = Instant.now();
      for (String name : List.of(KERNEL, INITRAMFS, ISO)) {
        Path incoming = blobs.newIncomingFile();
        Files.createLink(incoming, files.resolve(name)); // the same inode for both servers
        ArtifactStore.Stored s = blobs.commit(incoming, null);
        Await.result(store.putArtifact(new ArtifactRecord(name, s.sha256(), s.size(), now)), t, "artifact");
        Files.createLink(www.resolve("v1").resolve("artifacts").resolve(name), files.resolve(name));
      }
      BootProfile profile = Await.result(store.putProfile(new BootProfile(PROFILE, TENANT, KERNEL,
          INITRAMFS, "talos.platform=metal console=tty0 console=ttyS0,115200n8", now)), t, "profile");
      String nginxBase = "https://[" + HOST + "]:" + nginxPort;
      int batch = 256;
      for (int from = 0; from < machines; from += batch) {
        List<Future<Machine>> fs = new ArrayList<>();
        for (int i = from; i < Math.min(machines, from + batch); i++) {
          MachineId.Uuid id = new MachineId.Uuid(machineId(i));
          fs.add(store.enroll(new Enrollment(Optional.of(id), List.of(), TENANT, Role.WORKER,
                  "storm-" + i, PROFILE), "bench", now)
              .compose(m -> store.transition(id, MachineState.PROVISIONING, java.util.OptionalLong.empty(),
                  "bench", "reboot storm", now)));
        }
        for (Future<Machine> f : fs) {
          Machine m = Await.result(f, t, "enrolling");
          BootDecision d = BootDecider.decide(m, Optional.of(profile));
          if (!(d instanceof BootDecision.Netboot n)) {
            throw new UnavailableException("storm machine " + m.displayId() + " would not netboot: " + d, null);
          }
          Files.writeString(www.resolve("v1").resolve("boot").resolve(m.uuid().orElseThrow().value()),
              IpxeScript.netboot(m, n, nginxBase), StandardCharsets.UTF_8);
        }
        if (machines > 2000 && (from / batch) % 8 == 7) {
          System.err.printf("storm: enrolled %d/%d machines%n", Math.min(machines, from + batch), machines);
        }
      }
    } finally {
      store.close();
      Await.result(vertx.close(), Duration.ofSeconds(10), "closing");
    }
    openUp(dir);
    return new Lab(dir, ca, data, files, www, machines, sizes);
  }

  private static void writeRandom(Path p, long size) throws IOException {
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= block.length) {
        ThreadLocalRandom.current().nextBytes(block);
        out.write(block, 0, (int) Math.min(left, block.length));
      }
    }
  }

  /** nginx workers run unprivileged: the document root and the files must be world-readable. */
  private static void openUp(Path dir) throws IOException {
    for (Path p : List.of(dir, dir.resolve("files"), dir.resolve("www"), dir.resolve("www/v1"),
        dir.resolve("www/v1/boot"), dir.resolve("www/v1/artifacts"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    try (var s = Files.walk(dir.resolve("www"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(HOST, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UnavailableException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  /** A server child process (the edge JVM or the nginx master and its workers). */
  static final class Child implements AutoCloseable {
    final String name;
    final Process process;
    final int port;

    Child(String name, Process process, int port) {
      this.name = name;
      this.process = process;
      this.port = port;
    }

    /** Every process of the server: the child and its descendants (nginx workers). */
    List<ProcessHandle> processes() {
      List<ProcessHandle> all = new ArrayList<>();
      all.add(process.toHandle());
      process.toHandle().descendants().forEach(all::add);
      return all;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts {@code serve} in a child JVM on the lab; waits until it listens. */
  static Child startEdge(Lab lab, int port, List<String> jvmOptions, List<String> serveOptions)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Djava.net.preferIPv6Addresses=true");
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--pki", lab.dir().resolve("pki").toString(), "--data", lab.data().toString(),
        "--boot-listen", "[" + HOST + "]:" + port,
        "--config-listen", "[" + HOST + "]:" + freePort(),
        "--admin-listen", "[" + HOST + "]:" + freePort(),
        "--ops-listen", "[" + HOST + "]:" + freePort(), "--no-access-log"));
    cmd.addAll(serveOptions);
    Path log = lab.dir().resolve("edge.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Child c = new Child("edge", p, port);
    awaitLine(c, log, "server_started", Duration.ofSeconds(90));
    return c;
  }

  /** The nginx of the reference run: same chain, key, client CA, files; TLS 1.2+1.3; sendfile; keep-alive. */
  static Child startNginx(Lab lab, String binary, int port, Duration handshakeTimeout, Duration idleTimeout)
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
        "    listen [" + HOST + "]:" + port + " ssl backlog=4096;",
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
    Path log = conf.resolve("stderr.log");
    Process p = new ProcessBuilder(binary, "-p", conf.toString(), "-c", file.toString(), "-e",
        conf.resolve("error.log").toString(), "-g", "daemon off; master_process on;")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Child c = new Child("nginx", p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new UnavailableException("nginx exited at start-up: " + Files.readString(log)
            + readIfExists(conf.resolve("error.log")), null);
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(HOST, port), 500);
        return c;
      } catch (IOException e) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    c.close();
    throw new UnavailableException("nginx did not listen on port " + port + " within 20 s", null);
  }

  private static String readIfExists(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private static void awaitLine(Child c, Path log, String marker, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(marker)) {
        return;
      }
      if (!c.process.isAlive()) {
        throw new UnavailableException("the edge exited at start-up: " + Files.readString(log), null);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    c.close();
    throw new UnavailableException("the edge did not start within " + timeout.toSeconds() + " s", null);
  }

  /** CPU seconds and RSS of a server's processes, from /proc. */
  record Usage(double cpuSeconds, long rssBytes) {}

  static Usage usage(Child c) {
    double cpu = 0;
    long rss = 0;
    for (ProcessHandle h : c.processes()) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        cpu += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (USER_HZ = 100)
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process went away between listing and reading
      }
    }
    return new Usage(cpu, rss);
  }

  /** Samples a server's RSS every 100 ms until closed; keeps the peak. */
  static final class RssSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile long peak;

    RssSampler(Child c) {
      thread = new Thread(() -> {
        while (!stop) {
          peak = Math.max(peak, usage(c).rssBytes());
          try {
            TimeUnit.MILLISECONDS.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "storm-rss");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return peak;
    }

    @Override
    public void close() {
      stop = true;
      thread.interrupt();
    }
  }

  /**
   * Remote ports of the connections the server at {@code port} still holds (its side ESTABLISHED
   * or CLOSE_WAIT), read from /proc/net/tcp6 and /proc/net/tcp.
   */
  static Set<Integer> heldPeers(int port) {
    Set<Integer> held = new HashSet<>();
    for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          Files.newInputStream(Path.of(table)), StandardCharsets.US_ASCII))) {
        r.readLine();
        String line;
        while ((line = r.readLine()) != null) {
          String[] f = line.trim().split("\\s+");
          if (f.length < 4) {
            continue;
          }
          int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
          if (local != port) {
            continue;
          }
          String st = f[3];
          if (st.equals("01") || st.equals("08")) {
            held.add(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16));
          }
        }
      } catch (IOException e) {
        // no such table on this kernel
      }
    }
    return held;
  }
}
