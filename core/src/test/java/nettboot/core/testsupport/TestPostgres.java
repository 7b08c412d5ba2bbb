package nettboot.core.testsupport;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests, and a fresh database on it per caller.
 *
 * <p>When {@code NETTBOOT_TEST_PG_URL} is set ({@code postgresql://user:pass@host:port/db}, the
 * user may create databases) that server is used. Otherwise a throwaway server is started once
 * per JVM from the newest {@code /usr/lib/postgresql/<version>/bin}: trust auth, user
 * {@code nettboot}, listening only on 127.0.0.1 at a free port, data and socket in a temporary
 * directory, stopped and deleted at JVM exit. As root (initdb refuses root) it runs as the
 * {@code postgres} user through {@code runuser}. When neither works it fails, saying how to fix it.
 */
public final class TestPostgres {
  public static final String ENV = "NETTBOOT_TEST_PG_URL";
  private static final String USER = "nettboot";

  private static String serverUrl;
  /** Runs CREATE/DROP DATABASE; made with the server, as Vert.x cannot start during JVM exit. */
  private static Vertx admin;
  /** Databases made on a server given by {@link #ENV}; dropped at JVM exit. */
  private static final List<String> created = new ArrayList<>();

  private TestPostgres() {}

  /** The URL of the server (its maintenance database), starting the server on first use. */
  public static synchronized String serverUrl() {
    if (serverUrl == null) {
      String env = System.getenv(ENV);
      serverUrl = env != null && !env.isBlank() ? env.strip() : startLocal();
      admin = Vertx.vertx();
      if (env != null && !env.isBlank()) {
        Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::dropCreated));
      }
    }
    return serverUrl;
  }

  /** Creates an empty database on the server and returns its {@code postgresql://} URL. */
  public static synchronized String newDatabase() {
    String server = serverUrl();
    String name = "nettboot_" + UUID.randomUUID().toString().replace("-", "");
    try {
      execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a test database on the PostgreSQL server"
          + " (" + (System.getenv(ENV) != null ? ENV + "; its user needs CREATEDB" : "local")
          + "): " + e, e);
    }
    created.add(name);
    return withDatabase(server, name);
  }

  private static void execute(String sql) throws Exception {
    SqlClient client = PgBuilder.client()
        .connectingTo(PgConnectOptions.fromUri(serverUrl))
        .using(admin)
        .build();
    try {
      client.query(sql).execute().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  private static synchronized void dropCreated() {
    for (String name : created) {
      try {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (Exception ignored) {
        // best effort at exit
      }
    }
    admin.close();
  }

  private static String withDatabase(String url, String database) {
    URI u = URI.create(url);
    return u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@")
        + u.getRawAuthority().substring(u.getRawAuthority().lastIndexOf('@') + 1) + "/" + database
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  private static String startLocal() {
    Path bin = newestBinaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path base = Files.createTempDirectory(Path.of("/tmp"), "nettboot-pg-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      if (root) {
        run(List.of("chown", "postgres:postgres", base.toString()), false);
      }
      Path data = base.resolve("data");
      Path log = base.resolve("server.log");
      run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "--auth=trust",
          "-U", USER, "-E", "UTF8", "--no-sync"), root);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bin, data, base, root)));
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        try {
          run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
              log.toString(), "-w", "-t", "60", "-o", "-c listen_addresses=127.0.0.1 -p " + port
                  + " -k " + base + " -c fsync=off -c max_connections=200", "start"), root);
          return "postgresql://" + USER + "@127.0.0.1:" + port + "/postgres";
        } catch (IOException e) {
          if (attempt == 3) { // the free port may have been taken meanwhile; try a few
            String tail = Files.exists(log) ? Files.readString(log) : "";
            throw new IOException(e.getMessage() + "; server log: "
                + tail.substring(Math.max(0, tail.length() - 2000)), e);
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start a throwaway PostgreSQL server from " + bin
          + ": " + e.getMessage() + howToFix(), e);
    }
  }

  private static void stop(Path bin, Path data, Path base, boolean root) {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
          "stop"), root);
    } catch (IOException | InterruptedException | RuntimeException ignored) {
      // best effort at exit; the directory goes anyway
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }

  private static Path newestBinaries() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .filter(v -> Files.isExecutable(v.resolve("bin/initdb"))
              && Files.isExecutable(v.resolve("bin/pg_ctl")))
          .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException(
              "no initdb/pg_ctl under " + root + "/<version>/bin" + howToFix()));
    } catch (IOException e) {
      throw new IllegalStateException("no PostgreSQL binaries: cannot list " + root + howToFix(),
          e);
    }
  }

  private static void run(List<String> command, boolean asPostgres)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
          + new String(out, StandardCharsets.UTF_8).strip());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String howToFix() {
    return String.format(Locale.ROOT, "; install PostgreSQL (apt-get install postgresql) so that"
        + " initdb and pg_ctl exist, or set %s=postgresql://user:pass@host:port/db to a server"
        + " whose user may CREATE DATABASE", ENV);
  }
}
