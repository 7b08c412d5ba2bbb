package nettboot.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Runs the metadata server in the foreground until SIGINT/SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    header = "Run the metadata server (boot, config, admin and ops listeners).",
    description = {"Run the metadata server: boot listener (iPXE, mTLS with tenant certificates),",
        "config listener (Talos, server-only TLS), admin API (mTLS with admin certificates) and",
        "ops listener (plain HTTP: /metrics, /healthz, /readyz). Logs are JSON lines on stdout.",
        "IPv6 literals go in brackets: [::1]:8443, [::]:443."})
final class ServeCommand implements Runnable {
  @Option(names = "--pki", required = true, description = "PKI directory made by 'pki init'")
  Path pki;

  @Option(names = "--data", required = true,
      description = "Data directory: SQLite database (unless --postgres) and artifact blobs")
  Path data;

  @Mixin
  ListenOptions listen = new ListenOptions("[::]:443", "[::]:8443", "[::1]:9443", "[::1]:9090", "[::]:4002");

  @Option(names = "--postgres", defaultValue = "${env:NETTBOOT_POSTGRES_URL}",
      description = {"PostgreSQL URL postgresql://user:password@host:port/db for several replicas",
          "(default: $NETTBOOT_POSTGRES_URL; prefer the variable: the command line is visible to",
          "other users). Without it the store is SQLite under --data."})
  String postgres;

  @Option(names = "--init", description = {"Create a new, empty SQLite database even though --data",
      "held one before that is now missing (without it such a start is refused)"})
  boolean init;

  @Option(names = "--event-loops", defaultValue = "0", description = "Event loops (default: one per core)")
  int eventLoops;

  @Option(names = "--no-access-log", description = "Do not log one line per request")
  boolean noAccessLog;

  @Option(names = "--cache-ttl-ms", defaultValue = "30000",
      description = {"How long this replica may answer boots from its in-memory copy of a machine,",
          "profile or artifact record (default: ${DEFAULT-VALUE}; 0 disables). Every machine is",
          "loaded at start-up and again every half TTL (from 10 s up), so a storm is answered from",
          "memory. Its own writes are visible at once; on PostgreSQL other replicas' writes arrive",
          "by LISTEN/NOTIFY at once, and this TTL bounds staleness if a notification is lost."})
  long cacheTtlMs;

  @Option(names = "--request-head-timeout-ms", defaultValue = "10000",
      description = {"A request's line and headers must arrive within this time, from the connection's",
          "start (after TLS) or the request's first byte; slower clients are cut off (default: ${DEFAULT-VALUE})"})
  long requestHeadTimeoutMs;

  @Option(names = "--boot-burst-per-address", defaultValue = "" + nettboot.edge.ClientLimits.DEFAULT_ADDRESS_BURST,
      description = "Boot lookups one source address may make at once (default: ${DEFAULT-VALUE})")
  int bootBurstPerAddress;

  @Option(names = "--boot-rate-per-address", defaultValue = "" + nettboot.edge.ClientLimits.DEFAULT_ADDRESS_PER_SECOND,
      description = "Boot lookups per second a source address regains (default: ${DEFAULT-VALUE})")
  int bootRatePerAddress;

  @Option(names = "--boot-burst-per-tenant", defaultValue = "" + nettboot.edge.ClientLimits.DEFAULT_TENANT_BURST,
      description = {"Boot lookups one tenant certificate may make at once (default: ${DEFAULT-VALUE});",
          "beyond either budget a lookup is answered 429 with Retry-After and iPXE boots the disk"})
  int bootBurstPerTenant;

  @Option(names = "--boot-rate-per-tenant", defaultValue = "" + nettboot.edge.ClientLimits.DEFAULT_TENANT_PER_SECOND,
      description = "Boot lookups per second a tenant regains (default: ${DEFAULT-VALUE})")
  int bootRatePerTenant;

  @Option(names = "--admin-tenants", paramLabel = "ADMIN=TENANT[,TENANT]…",
      description = {"Limit the admin certificate CN=ADMIN (a service such as Maskin) to these tenants;",
          "repeat for several admins. Admins not named see every tenant."})
  List<String> adminTenants = new ArrayList<>();

  @Option(names = "--crl", paramLabel = "FILE|URL",
      description = {"An external CA's CRL (DER or PEM; a file or http(s) URL; repeatable), e.g. step-ca's",
          "or 'pki crl' output. Must verify against the platform CA and not be stale, or the server",
          "does not start; refreshed every --crl-refresh-s, a refused refresh keeps the previous one"})
  java.util.List<String> crl = new java.util.ArrayList<>();

  @Option(names = "--crl-refresh-s", defaultValue = "300",
      description = "Seconds between CRL refreshes (default: ${DEFAULT-VALUE})")
  long crlRefreshS;

  @Override
  public void run() {
    ServerRuntime.Settings s = new ServerRuntime.Settings(pki, data, listen.boot(), listen.config(),
        listen.admin(), listen.ops(), postgres, eventLoops, !noAccessLog, cacheTtl(cacheTtlMs), listen.events(),
        new nettboot.edge.ClientLimits(java.time.Duration.ofMillis(requestHeadTimeoutMs), bootBurstPerAddress,
            bootRatePerAddress, bootBurstPerTenant, bootRatePerTenant),
        init, tenantScopes(adminTenants),
        new nettboot.edge.CrlSources(crl, java.time.Duration.ofSeconds(crlRefreshS)));
    ServerRuntime runtime = ServerRuntime.start(s);
    runUntilSignal(runtime);
  }

  /** {@code ADMIN=T1,T2} entries as a map; an admin named twice is refused. */
  static Map<String, Set<String>> tenantScopes(List<String> entries) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq < 1 || eq == e.length() - 1) {
        throw new nettboot.core.error.InvalidInputException("--admin-tenants",
            "expected ADMIN=TENANT[,TENANT]…, got " + nettboot.core.error.ErrorText.printable(e));
      }
      String admin = e.substring(0, eq);
      if (out.put(admin, new TreeSet<>(List.of(e.substring(eq + 1).split(",", -1)))) != null) {
        throw new nettboot.core.error.InvalidInputException("--admin-tenants", "admin " + admin + " named twice");
      }
    }
    return out;
  }

  static java.time.Duration cacheTtl(long ms) {
    if (ms < 0 || ms > 60_000) {
      throw new nettboot.core.error.InvalidInputException("--cache-ttl-ms", ms + " is outside 0..60000");
    }
    return java.time.Duration.ofMillis(ms);
  }

  /** Blocks until the JVM is asked to stop, then closes the runtime. */
  static void runUntilSignal(ServerRuntime runtime) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runtime.close();
      } finally {
        stopped.countDown();
      }
    }, "nettboot-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
