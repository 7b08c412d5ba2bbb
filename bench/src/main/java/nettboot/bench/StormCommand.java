package nettboot.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import nettboot.cli.Await;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.io.SecureFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench storm}: a data centre rebooting at once, against the edge and (with --vs-nginx)
 * against nginx with {@code ssl_verify_client on} serving the same scripts and files with the
 * same certificates, both started here on loopback, measured alternately in the same run.
 */
@Command(name = "storm", mixinStandardHelpOptions = true,
    description = {"Reboot-storm benchmark. Starts the edge itself ('serve' in a child JVM with its own",
        "lab PKI, SQLite store, enrolled machines in Provisioning and generated artifacts under a",
        "temp directory) and, with --vs-nginx, nginx with a generated config (same chain, key, client",
        "CA and files); runs the scenarios alternately against both and prints a table and one line",
        "per scenario. Scenarios: a handshake storm (new TLS 1.2 mTLS connection per machine, boot",
        "decisions only), b artifact storm (whole 100 MB initramfs downloads), c mixed (boot-decision",
        "burst while artifacts stream, against its unloaded p99), d Range (random 1 MiB reads of a",
        "1 GB ISO over keep-alive connections), e faults (stalled handshakes, silent and garbage",
        "connections, stalled downloads while well-behaved machines boot). Rates: a, c, e decisions/s;",
        "b, d MB/s. Runs against a server it did not start only with --target."})
final class StormCommand implements Runnable {

  @Option(names = "--scenario", defaultValue = "all", description = "a, b, c, d, e or all (default: ${DEFAULT-VALUE})")
  String scenario;

  @Option(names = "--vs-nginx", description = "Also start nginx and run every scenario against it (alternating)")
  boolean vsNginx;

  @Option(names = "--machines", description = "Machines of scenario a (default: 10000; --quick 1000)")
  Integer machines;

  @Option(names = "--concurrency", description = "Concurrent machines of scenario a (default: 1000; --quick 100)")
  Integer concurrency;

  @Option(names = "--b-concurrency", description = "Concurrent whole downloads of scenario b, one per client (default: 200; --quick 20)")
  Integer bConcurrency;

  @Option(names = "--d-concurrency", description = "Keep-alive connections of scenario d (default: 500; --quick 50); reads: 10 per connection, at least 5000 (--quick 500)")
  Integer dConcurrency;

  @Option(names = "--rate", defaultValue = "0",
      description = "Scenario a open loop at this many new machines per second instead of the closed loop")
  double rate;

  @Option(names = "--quick", description = "Shrink every scenario about ten times (smoke run)")
  boolean quick;

  @Option(names = "--runs", defaultValue = "1", description = "Alternating runs per server and scenario; the median is reported (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--client-loops", defaultValue = "1", description = "Event loops of the load generator (default: ${DEFAULT-VALUE})")
  int clientLoops;

  @Option(names = "--target", description = {"Run against this already running boot listener (https://[::1]:8443)",
      "instead of starting one: needs --pki with tenants/<--tenant>.crt|key and machines enrolled as by",
      "'bench boot' (b, d also need artifacts storm-kernel, storm-initramfs, storm-iso)"})
  String target;

  @Option(names = "--pki", description = "With --target: PKI directory (root-ca.crt, tenants/)")
  Path pki;

  @Option(names = "--tenant", defaultValue = "demo", description = "With --target: tenant certificate name (default: ${DEFAULT-VALUE})")
  String tenant;

  @Option(names = "--work-dir", description = "Parent of the temp lab directory (default: /dev/shm when writable, else the temp dir)")
  Path workDir;

  @Option(names = "--warmup", description = "Seconds of boot decisions against each server before measuring (default: 20; --quick 3)")
  Integer warmup;

  private int warmupSeconds;

  @Option(names = "--keep", description = "Keep the lab directory (logs, configs) afterwards")
  boolean keep;

  @Option(names = "--nginx", defaultValue = "/usr/sbin/nginx", description = "nginx binary (default: ${DEFAULT-VALUE})")
  String nginxBinary;

  // A fixed, pre-touched heap: its share of the RSS does not depend on load (live set ~17 MiB).
  @Option(names = "--server-jvm-opts", defaultValue = "-Xms384m -Xmx384m -XX:+AlwaysPreTouch -XX:+UseParallelGC",
      description = "JVM options of the edge child (default: ${DEFAULT-VALUE})")
  String serverJvmOpts;

  @Option(names = "--serve-opts", defaultValue = "", description = "Extra 'serve' options for the edge child")
  String serveOpts;

  /** Timeouts the nginx reference is configured with (the edge's defaults). */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--idle-timeout", defaultValue = "60", description = "nginx keep-alive/send timeout in seconds, as the edge's idle timeout (default: ${DEFAULT-VALUE})")
  int idleTimeoutSeconds;

  /** One server under test. */
  private record Side(String name, Target target, Child child) {}

  private final StormReport report = new StormReport();

  /** Figures of a scenario, sized for a full or a --quick run. */
  private record Plan(int aMachines, int aConc, int bDownloads, int bConc, int cMachines, int cStreams,
      int dReads, int dConc, int eGood, int eConc, int eBadPerKind, Duration eWait,
      StormLab.Sizes sizes) {}

  private Plan plan() {
    int div = quick ? 10 : 1;
    int am = machines != null ? machines : 10_000 / div;
    int ac = concurrency != null ? concurrency : 1_000 / div;
    int bc = bConcurrency != null ? bConcurrency : 200 / div;
    int dc = dConcurrency != null ? dConcurrency : 500 / div;
    if (am < 1 || ac < 1 || bc < 1 || dc < 1 || runs < 1 || clientLoops < 1) {
      throw new InvalidInputException("--machines/--concurrency/--b-concurrency/--d-concurrency/--runs/--client-loops",
          "must be positive");
    }
    return new Plan(am, ac, bc, bc, 2_000 / div, 100 / div, Math.max(5_000 / div, 10 * dc), dc,
        2_000 / div, 50 / div, 250 / div,
        quick ? Duration.ofSeconds(15) : HANDSHAKE_TIMEOUT.plus(Duration.ofSeconds(idleTimeoutSeconds + 10)),
        new StormLab.Sizes((20L << 20) / div, (100L << 20) / div, (1L << 30) / div));
  }

  @Override
  public void run() {
    Set<String> which = scenarios();
    Plan p = plan();
    warmupSeconds = warmup != null ? warmup : quick ? 3 : 20;
    if (target != null && vsNginx) {
      throw new InvalidInputException("--target", "cannot be combined with --vs-nginx (nginx needs the lab started here)");
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientLoops));
    Path dir = null;
    List<Child> children = new ArrayList<>();
    try {
      List<Side> sides = new ArrayList<>();
      if (target != null) {
        sides.add(externalSide());
      } else {
        dir = labDir();
        int edgePort = StormServers.freePort();
        int nginxPort = StormServers.freePort();
        int labMachines = Math.max(p.aMachines(), Math.max(p.cMachines(), p.eGood()));
        long t0 = System.nanoTime();
        StormLab.Lab lab = StormLab.prepare(dir, labMachines, p.sizes(), nginxPort);
        System.err.printf("storm: lab ready in %.1f s (%d machines, artifacts %d/%d/%d MiB) under %s%n",
            (System.nanoTime() - t0) / 1e9, labMachines, p.sizes().kernel() >> 20,
            p.sizes().initramfs() >> 20, p.sizes().iso() >> 20, dir);
        Child edge = StormServers.startEdge(lab, edgePort, split(serverJvmOpts), split(serveOpts));
        children.add(edge);
        sides.add(new Side("edge", labTarget(lab, edgePort), edge));
        if (vsNginx) {
          Child nginx = StormServers.startNginx(lab, nginxBinary, nginxPort, HANDSHAKE_TIMEOUT,
              Duration.ofSeconds(idleTimeoutSeconds));
          children.add(nginx);
          sides.add(new Side("nginx", labTarget(lab, nginxPort), nginx));
        }
      }
      for (Side s : sides) {
        warmUp(vertx, s, p);
      }
      for (String sc : which) {
        for (int run = 0; run < runs; run++) {
          List<Side> order = new ArrayList<>(sides);
          if (run % 2 == 1) {
            java.util.Collections.reverse(order);
          }
          for (Side s : order) {
            System.err.printf("storm: scenario %s on %s (run %d/%d)%n", sc, s.name(), run + 1, runs);
            runScenario(vertx, sc, s, p);
          }
        }
      }
      report.print(System.out, which, sides.size() > 1);
    } catch (IOException e) {
      throw new UnavailableException("storm: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("storm: interrupted", e);
    } finally {
      for (Child c : children) {
        c.close();
      }
      Await.result(vertx.close(), Duration.ofSeconds(30), "closing the load generator");
      if (dir != null && !keep) {
        SecureFiles.deleteTree(dir);
      } else if (dir != null) {
        System.err.println("storm: lab kept in " + dir);
      }
    }
  }

  private Set<String> scenarios() {
    String s = scenario.toLowerCase(Locale.ROOT).trim();
    if (s.equals("all")) {
      return new java.util.LinkedHashSet<>(List.of("a", "b", "c", "d", "e"));
    }
    Set<String> out = new java.util.LinkedHashSet<>();
    for (String part : s.split(",")) {
      if (!List.of("a", "b", "c", "d", "e").contains(part.trim())) {
        throw new InvalidInputException("--scenario", "'" + part + "' is not one of a, b, c, d, e, all");
      }
      out.add(part.trim());
    }
    return out;
  }

  private Side externalSide() {
    if (pki == null) {
      throw new InvalidInputException("--pki", "required with --target (root-ca.crt and tenants/" + tenant + ".crt)");
    }
    return new Side("edge", Target.of("--target", target, pki, tenant), null);
  }

  private static Target labTarget(StormLab.Lab lab, int port) {
    return new Target(StormLab.HOST, port, lab.ca().rootCertPath(), lab.tenantCert(), lab.tenantKey());
  }

  private Path labDir() throws IOException {
    Path parent = workDir;
    if (parent == null) {
      Path shm = Path.of("/dev/shm");
      parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }
    return Files.createTempDirectory(parent, "nettboot-storm-");
  }

  private static List<String> split(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
  }

  private static <T> T await(Future<T> f, String what) {
    return Await.result(f, Duration.ofMinutes(30), what);
  }

  private static String bootUri(int i) {
    return "/v1/boot/" + StormLab.machineId(i);
  }

  private void warmUp(Vertx vertx, Side s, Plan p) {
    StormLoad load = new StormLoad(vertx, s.target());
    HttpClient fresh = load.client(false, 100);
    HttpClient kept = load.client(true, 20);
    // Until the JIT has compiled the hot paths: a cold edge spends half its CPU in the compiler.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long n = 0;
    StormLoad.Result r;
    do {
      long base = n;
      r = await(load.closedLoop(500, 100, i -> load.get(fresh, bootUri((int) ((base + i) % p.aMachines())), null, 200)), "warm-up");
      n += 500;
    } while (System.nanoTime() < until && r.errorCount() == 0);
    await(load.closedLoop(4, 4, i -> load.get(kept, "/v1/artifacts/" + StormLab.KERNEL, null, 200)), "warm-up");
    await(load.closedLoop(200, 20, i -> load.get(kept, "/v1/artifacts/" + StormLab.ISO,
        StormLoad.randomMiB(p.sizes().iso()), 206)), "warm-up");
    System.err.printf("storm: %s warmed up (%d decisions, errors %s)%n", s.name(), n, r.errorText());
    fresh.close();
    kept.close();
  }

  private void runScenario(Vertx vertx, String sc, Side s, Plan p) throws InterruptedException {
    StormLoad load = new StormLoad(vertx, s.target());
    switch (sc) {
      case "a" -> {
        HttpClient c = load.client(false, Math.max(p.aConc(), 1));
        measure(s, "a", rate > 0 ? "open " + rate + "/s" : "burst", "dec/s", () -> rate > 0
            ? load.openLoop(p.aMachines(), rate, i -> decision(load, c, i))
            : load.closedLoop(p.aMachines(), p.aConc(), i -> decision(load, c, i)));
        c.close();
      }
      case "b" -> {
        HttpClient c = load.client(false, p.bConc());
        measure(s, "b", p.bConc() + " x initramfs", "MB/s", () -> load.closedLoop(p.bDownloads(), p.bConc(),
            i -> whole(load, c, StormLab.INITRAMFS, p.sizes().initramfs())));
        c.close();
      }
      case "c" -> {
        HttpClient c = load.client(false, p.cMachines());
        StormReport.Row unloaded = measure(s, "c", "unloaded", "dec/s",
            () -> load.closedLoop(p.cMachines(), p.cMachines(), i -> decision(load, c, i)));
        HttpClient streams = load.client(false, p.cStreams());
        StormLoad.Background bg = load.new Background(streams, p.cStreams(),
            "/v1/artifacts/" + StormLab.INITRAMFS, "/v1/artifacts/" + StormLab.KERNEL);
        TimeUnit.SECONDS.sleep(2);
        long bytes0 = bg.bytes.sum();
        long t0 = System.nanoTime();
        StormReport.Row loaded = measure(s, "c", "+" + p.cStreams() + " streams", "dec/s",
            () -> load.closedLoop(p.cMachines(), p.cMachines(), i -> decision(load, c, i)));
        double mbps = (bg.bytes.sum() - bytes0) / ((System.nanoTime() - t0) / 1e9) / 1e6;
        await(bg.stop(), "stopping the streams");
        report.note("c", s.name(), String.format(Locale.ROOT,
            "%s: decision p99 %.1f ms unloaded, %.1f ms while %d streams ran (%.0f MB/s streamed, stream errors %s): %.2fx",
            s.name(), unloaded.r().pctMs(99), loaded.r().pctMs(99), p.cStreams(), mbps,
            bg.errors.isEmpty() ? "0" : bg.errors, loaded.r().pctMs(99) / Math.max(0.001, unloaded.r().pctMs(99))));
        c.close();
        streams.close();
      }
      case "d" -> {
        HttpClient c = load.client(true, p.dConc());
        measure(s, "d", p.dConc() + " x 1 MiB Range", "MB/s", () -> load.closedLoop(p.dReads(), p.dConc(),
            i -> load.get(c, "/v1/artifacts/" + StormLab.ISO, StormLoad.randomMiB(p.sizes().iso()), 206)
                .compose(n -> n == 1 << 20 ? Future.succeededFuture(n)
                    : Future.failedFuture(new IllegalStateException("short range " + n)))));
        c.close();
      }
      case "e" -> faults(vertx, load, s, p);
      default -> throw new IllegalStateException(sc);
    }
  }

  private static Future<Long> decision(StormLoad load, HttpClient c, int i) {
    return load.get(c, bootUri(i), null, 200);
  }

  private static Future<Long> whole(StormLoad load, HttpClient c, String name, long size) {
    return load.get(c, "/v1/artifacts/" + name, null, 200).compose(n -> n == size
        ? Future.succeededFuture(n) : Future.failedFuture(new IllegalStateException("short body " + n)));
  }

  private interface Phase {
    Future<StormLoad.Result> start();
  }

  private StormReport.Row measure(Side s, String sc, String phase, String unit, Phase ph) {
    Proc.Usage before = s.child() == null ? null : Proc.usage(s.child());
    Proc.RssSampler rss = s.child() == null ? null : new Proc.RssSampler(s.child());
    StormLoad.Result r = await(ph.start(), "scenario " + sc);
    double cpu = 0;
    long peak = 0;
    if (rss != null) {
      rss.close();
      cpu = Proc.usage(s.child()).cpuSeconds() - before.cpuSeconds();
      peak = Math.max(rss.peak(), before.rssBytes());
    }
    double rate = unit.equals("MB/s") ? r.bytes.sum() / r.seconds() / 1e6 : r.ok.sum() / r.seconds();
    StormReport.Row row = report.add(new StormReport.Row(sc, phase, s.name(), r, unit, rate, cpu, peak));
    System.err.printf(Locale.ROOT, "storm:   %s %-18s %-5s ok %d errors %s  %.1f %s  p99 %.1f ms  cpu %.1f s  rss %d MiB (%d MiB before)%n",
        sc, phase, s.name(), r.ok.sum(), r.errorText(), rate, unit, r.pctMs(99), cpu, peak >> 20,
        before == null ? 0 : before.rssBytes() >> 20);
    return row;
  }

  /** Scenario e: bad clients while well-behaved machines boot; the server must shed the bad ones. */
  private void faults(Vertx vertx, StormLoad load, Side s, Plan p) throws InterruptedException {
    HttpClient c = load.client(false, p.eConc());
    StormReport.Row base = measure(s, "e", "no bad clients", "dec/s",
        () -> load.closedLoop(p.eGood(), p.eConc(), i -> decision(load, c, i)));
    NetClient plain = load.plainNetClient();
    NetClient tls = load.tlsNetClient();
    Map<Integer, StormLoad.BadKind> kindOf = new ConcurrentHashMap<>();
    Map<Integer, Long> openedAt = new ConcurrentHashMap<>();
    List<NetSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> openErrors = new ConcurrentHashMap<>();
    List<Future<NetSocket>> opening = new ArrayList<>();
    for (int i = 0; i < p.eBadPerKind(); i++) {
      for (StormLoad.BadKind k : StormLoad.BadKind.values()) {
        long t = System.nanoTime();
        opening.add(load.bad(plain, tls, k, "/v1/artifacts/" + StormLab.INITRAMFS).onComplete(ar -> {
          if (ar.succeeded()) {
            sockets.add(ar.result());
            kindOf.put(ar.result().localAddress().port(), k);
            openedAt.put(ar.result().localAddress().port(), t);
          } else {
            openErrors.merge(k.label() + ":" + StormLoad.kind(ar.cause()), 1L, Long::sum);
          }
        }));
      }
    }
    Future.join(opening).otherwiseEmpty().toCompletionStage().toCompletableFuture().join();
    TimeUnit.MILLISECONDS.sleep(300);
    Map<Integer, Long> shedAt = new ConcurrentHashMap<>();
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted() && shedAt.size() < kindOf.size()) {
        Set<Integer> held = Proc.heldPeers(s.target().port());
        long now = System.nanoTime();
        for (Integer port : kindOf.keySet()) {
          if (!held.contains(port)) {
            shedAt.putIfAbsent(port, now);
          }
        }
        try {
          TimeUnit.MILLISECONDS.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "storm-shed-watch");
    watcher.setDaemon(true);
    watcher.start();
    StormReport.Row attacked = measure(s, "e", "+" + kindOf.size() + " bad clients", "dec/s",
        () -> load.closedLoop(p.eGood(), p.eConc(), i -> decision(load, c, i)));
    long deadline = System.nanoTime() + p.eWait().toNanos();
    while (System.nanoTime() < deadline && shedAt.size() < kindOf.size()) {
      TimeUnit.MILLISECONDS.sleep(200);
    }
    watcher.interrupt();
    Map<StormLoad.BadKind, List<Double>> shedSeconds = new EnumMap<>(StormLoad.BadKind.class);
    Map<StormLoad.BadKind, Integer> total = new EnumMap<>(StormLoad.BadKind.class);
    kindOf.forEach((port, k) -> {
      total.merge(k, 1, Integer::sum);
      Long at = shedAt.get(port);
      if (at != null) {
        shedSeconds.computeIfAbsent(k, x -> new ArrayList<>()).add((at - openedAt.get(port)) / 1e9);
      }
    });
    StringBuilder sb = new StringBuilder(s.name()).append(": good-client p99 ")
        .append(String.format(Locale.ROOT, "%.1f ms alone, %.1f ms with bad clients (%.2fx); shed",
            base.r().pctMs(99), attacked.r().pctMs(99),
            attacked.r().pctMs(99) / Math.max(0.001, base.r().pctMs(99))));
    for (StormLoad.BadKind k : StormLoad.BadKind.values()) {
      List<Double> sh = shedSeconds.getOrDefault(k, List.of());
      List<Double> sorted = sh.stream().sorted().toList();
      sb.append(String.format(Locale.ROOT, " %s %d/%d%s", k.label(), sh.size(), total.getOrDefault(k, 0),
          sorted.isEmpty() ? "" : String.format(Locale.ROOT, " (median %.1f s)", sorted.get(sorted.size() / 2))));
    }
    if (!openErrors.isEmpty()) {
      sb.append("; could not open ").append(openErrors);
    }
    sb.append(String.format(Locale.ROOT, " within %.0f s", p.eWait().toSeconds() + 0.0));
    report.note("e", s.name(), sb.toString());
    for (NetSocket so : new ArrayList<>(sockets)) {
      so.close();
    }
    c.close();
    plain.close();
    tls.close();
  }
}
