package nettboot.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The one load generator of the benchmarks ('bench storm' and 'bench boot'): simulated iPXE
 * machines (a new TLS 1.2 connection per machine, tenant ECDSA client certificate, no session
 * resumption, HTTP/1.1 only), artifact downloaders, virtual-media Range readers and misbehaving
 * clients, in closed loops (by count or by duration) or an open loop. Latencies in microseconds, percentiles in milliseconds.
 */
final class StormLoad {
  /** Latencies a duration-bound run records at most (the rest are counted, not kept). */
  private static final int MAX_RECORDED = 4_000_000;

  private static final long NO_DEADLINE = Long.MAX_VALUE;

  /** The outcome of one measured phase. */
  static final class Result {
    final LongAdder ok = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final Map<String, Long> errors = new ConcurrentHashMap<>();
    private final long[] latencies;
    private final AtomicInteger n = new AtomicInteger();
    volatile long startNanos;
    volatile long endNanos;

    Result(int capacity) {
      latencies = new long[Math.max(1, capacity)];
    }

    void success(long micros, long body) {
      ok.increment();
      bytes.add(body);
      int i = n.getAndIncrement();
      if (i < latencies.length) {
        latencies[i] = micros;
      }
    }

    void error(String kind) {
      errors.merge(kind, 1L, Long::sum);
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double seconds() {
      return Math.max(1, endNanos - startNanos) / 1e9;
    }

    long[] sorted() {
      long[] a = Arrays.copyOf(latencies, Math.min(n.get(), latencies.length));
      Arrays.sort(a);
      return a;
    }

    /** Latency percentile in milliseconds (0 when nothing succeeded). */
    double pctMs(double p) {
      long[] s = sorted();
      if (s.length == 0) {
        return 0;
      }
      int i = (int) Math.min(s.length - 1, Math.ceil(p / 100.0 * s.length) - 1);
      return s[Math.max(0, i)] / 1000.0;
    }

    double maxMs() {
      long[] s = sorted();
      return s.length == 0 ? 0 : s[s.length - 1] / 1000.0;
    }

    String errorText() {
      return errors.isEmpty() ? "0" : new TreeMap<>(errors).toString();
    }
  }

  private final Vertx vertx;
  private final Target target;

  StormLoad(Vertx vertx, Target target) {
    this.vertx = vertx;
    this.target = target;
  }

  /** An HTTP/1.1 client over TLS 1.2 with the tenant certificate and no session resumption. */
  HttpClient client(boolean keepAlive, int poolSize) {
    HttpClientOptions o = target.tenantTls(new HttpClientOptions())
        .setKeepAlive(keepAlive)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setConnectTimeout(30_000)
        .setReceiveBufferSize(256 * 1024);
    return vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1));
  }

  /** One request whose body is counted and dropped; completes with the body size. */
  Future<Long> get(HttpClient client, String uri, String range, int expectStatus) {
    return get(client, uri, range, expectStatus, null);
  }

  /** As above, adding every body byte to {@code progress} as it arrives (when not null). */
  Future<Long> get(HttpClient client, String uri, String range, int expectStatus, LongAdder progress) {
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host())
        .setPort(target.port()).setURI(uri).setIdleTimeout(60_000)
        .putHeader("host", target.urlHost() + ":" + target.port());
    if (range != null) {
      ro.putHeader("range", range);
    }
    return client.request(ro).compose(req -> req.send()).compose(res -> {
      AtomicLong size = new AtomicLong();
      res.handler(b -> {
        size.addAndGet(b.length());
        if (progress != null) {
          progress.add(b.length());
        }
      });
      return res.end().compose(v -> res.statusCode() == expectStatus
          ? Future.succeededFuture(size.get())
          : Future.failedFuture(new StatusException(res.statusCode())));
    });
  }

  /** A response with an unexpected status. */
  static final class StatusException extends RuntimeException {
    final int status;

    StatusException(int status) {
      super("http_" + status, null, false, false);
      this.status = status;
    }
  }

  static String kind(Throwable t) {
    if (t instanceof StatusException s) {
      return "http_" + s.status;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String name = root.getClass().getSimpleName();
    String msg = String.valueOf(root.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (msg.contains("timed out") || msg.contains("timeout")) {
      return "timeout";
    }
    if (msg.contains("connection reset")) {
      return "reset";
    }
    if (msg.contains("refused")) {
      return "refused";
    }
    if (name.contains("SSL") || name.contains("Ssl")) {
      return "tls";
    }
    if (msg.contains("closed")) {
      return "closed";
    }
    return name.isEmpty() ? "unknown" : name;
  }

  /**
   * Closed loop: {@code total} operations, at most {@code concurrency} in flight (a burst of N at
   * once when they are equal). Latency is measured from each operation's start.
   */
  Future<Result> closedLoop(int total, int concurrency, IntFunction<Future<Long>> op) {
    return closed(new Result(total), total, NO_DEADLINE, concurrency, op);
  }

  /**
   * Closed loop for a duration: {@code concurrency} workers start operations one after the other
   * until {@code duration} has passed; completes when the last one in flight has finished.
   */
  Future<Result> closedLoopFor(Duration duration, int concurrency, IntFunction<Future<Long>> op) {
    return closed(new Result(MAX_RECORDED), Integer.MAX_VALUE, System.nanoTime() + duration.toNanos(),
        concurrency, op);
  }

  private Future<Result> closed(Result r, int total, long deadlineNanos, int concurrency,
      IntFunction<Future<Long>> op) {
    Promise<Result> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(total, concurrency);
    AtomicInteger running = new AtomicInteger(workers);
    r.startNanos = System.nanoTime();
    if (workers == 0) {
      r.endNanos = r.startNanos;
      return Future.succeededFuture(r);
    }
    vertx.runOnContext(v -> {
      for (int w = 0; w < workers; w++) {
        step(r, next, total, deadlineNanos, running, op, done);
      }
    });
    return done.future();
  }

  /** One worker's next operation, or its end (and the run's, when it is the last worker). */
  private void step(Result r, AtomicInteger next, int total, long deadlineNanos, AtomicInteger running,
      IntFunction<Future<Long>> op, Promise<Result> done) {
    boolean late = deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos >= 0;
    int i = late ? total : next.getAndIncrement();
    if (i >= total) {
      if (running.decrementAndGet() == 0) {
        r.endNanos = System.nanoTime();
        done.complete(r);
      }
      return;
    }
    long t0 = System.nanoTime();
    op.apply(i).onComplete(ar -> {
      record(r, ar, t0);
      step(r, next, total, deadlineNanos, running, op, done);
    });
  }

  /**
   * Open loop at a target rate (operations per second): operations start on schedule whatever
   * the server's speed; latency counts from the scheduled start (no coordinated omission).
   */
  Future<Result> openLoop(int total, double rate, IntFunction<Future<Long>> op) {
    Result r = new Result(total);
    Promise<Result> done = Promise.promise();
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    r.startNanos = System.nanoTime();
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      int due = (int) Math.min(total, (now - r.startNanos) / 1e9 * rate + 1);
      while (issued.get() < due) {
        int i = issued.getAndIncrement();
        long scheduled = r.startNanos + (long) (i / rate * 1e9);
        op.apply(i).onComplete(ar -> {
          record(r, ar, scheduled);
          if (finished.incrementAndGet() == total) {
            r.endNanos = System.nanoTime();
            done.complete(r);
          }
        });
      }
      if (issued.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    return done.future();
  }

  /** Records one finished operation, its latency counted from {@code startNanos}. */
  private static void record(Result r, AsyncResult<Long> ar, long startNanos) {
    if (ar.succeeded()) {
      r.success((System.nanoTime() - startNanos) / 1000, ar.result());
    } else {
      r.error(kind(ar.cause()));
    }
  }

  /** Background streams: {@code streams} clients fetch {@code uri} whole, again and again, until stopped. */
  final class Background {
    final LongAdder bytes = new LongAdder();
    final LongAdder completed = new LongAdder();
    final Map<String, Long> errors = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private final AtomicInteger running = new AtomicInteger();
    private final Promise<Void> drained = Promise.promise();

    Background(HttpClient client, int streams, String... uris) {
      running.set(streams);
      vertx.runOnContext(v -> {
        for (int s = 0; s < streams; s++) {
          loop(client, uris, s);
        }
      });
    }

    private void loop(HttpClient client, String[] uris, int n) {
      if (stopped) {
        if (running.decrementAndGet() == 0) {
          drained.tryComplete();
        }
        return;
      }
      get(client, uris[n % uris.length], null, 200, bytes).onComplete(ar -> {
        if (ar.succeeded()) {
          completed.increment();
        } else {
          errors.merge(kind(ar.cause()), 1L, Long::sum);
        }
        loop(client, uris, n + 1);
      });
    }

    /** Stops starting new downloads and waits for those in flight. */
    Future<Void> stop() {
      stopped = true;
      return drained.future();
    }
  }

  /** The kinds of misbehaving clients of the fault scenario. */
  enum BadKind {
    /** Sends the start of a TLS ClientHello, then nothing. */
    STALL_HANDSHAKE,
    /** Opens a TCP connection and sends nothing. */
    SILENT,
    /** Sends plain-text garbage instead of TLS. */
    GARBAGE,
    /** Completes the mutual-TLS handshake, asks for the initramfs and stops reading. */
    STALL_DOWNLOAD;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Opens one misbehaving connection; completes with its local port (to find it on the server). */
  Future<NetSocket> bad(NetClient plain, NetClient tls, BadKind kind, String downloadUri) {
    return switch (kind) {
      case SILENT -> plain.connect(target.port(), target.host());
      case STALL_HANDSHAKE -> plain.connect(target.port(), target.host()).map(s -> {
        // TLS record header announcing a 512-byte handshake message, then only its first bytes.
        byte[] partial = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        s.write(Buffer.buffer(partial));
        return s;
      });
      case GARBAGE -> plain.connect(target.port(), target.host()).map(s -> {
        byte[] junk = new byte[600];
        ThreadLocalRandom.current().nextBytes(junk);
        junk[0] = 'G';
        s.write(Buffer.buffer(junk));
        return s;
      });
      case STALL_DOWNLOAD -> tls.connect(target.port(), target.host()).map(s -> {
        s.write("GET " + downloadUri + " HTTP/1.1\r\nhost: " + target.urlHost() + "\r\n\r\n");
        s.pause();
        return s;
      });
    };
  }

  NetClient plainNetClient() {
    return vertx.createNetClient(new NetClientOptions().setConnectTimeout(30_000));
  }

  NetClient tlsNetClient() {
    return vertx.createNetClient(target.tenantTls(new NetClientOptions())
        .setReceiveBufferSize(16 * 1024)
        .setConnectTimeout(30_000));
  }

  /** A random 1 MiB-aligned Range header within a file of {@code size} bytes. */
  static String randomMiB(long size) {
    long blocks = Math.max(1, size >> 20);
    long first = ThreadLocalRandom.current().nextLong(blocks) << 20;
    long last = Math.min(size, first + (1 << 20)) - 1;
    return "bytes=" + first + "-" + last;
  }
}
