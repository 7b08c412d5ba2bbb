package nettboot.core.store;

import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;
import org.sqlite.SQLiteConfig;

/**
 * Opens the inventory database on one of its two backends, as {@link Stores}: every store over it,
 * sharing one pool. Nothing here migrates the schema: the caller runs {@link Stores#migrate()}
 * once the stores are open.
 */
public final class StoreFactory {
  /** The SQLite file inside the data directory. */
  public static final String SQLITE_FILE = "nett-boot.db";

  private static final int PG_POOL_SIZE = 8;

  private StoreFactory() {}

  /**
   * The embedded store: {@code dataDir/nett-boot.db} in WAL mode with {@code synchronous=FULL}
   * (a committed transaction survives a crash), foreign keys on and a 5 s busy timeout. One pooled
   * connection: SQLite has a single writer anyway, and the store's transactions begin IMMEDIATE,
   * so writers queue on SQLite's lock (also against another process on the same file) instead of
   * failing with SQLITE_BUSY.
   *
   * <p>The file is guarded ({@link SqliteFile}): every write transaction verifies before it
   * commits that the file at the path is still the one opened. A directory that held a database
   * before ({@link SqliteDataDir#MARKER}) gets no new, empty one unless {@code init} says so.
   *
   * @throws InvalidInputException (field "dataDir") when the directory does not exist, or when the
   *     database is missing where one was created before and {@code init} is false
   */
  public static Stores sqlite(Vertx vertx, Path dataDir, boolean init) {
    if (!Files.isDirectory(dataDir)) {
      throw new InvalidInputException("dataDir", dataDir + " is not a directory");
    }
    SqliteDataDir.prepare(dataDir, init);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(5000);
    SqliteFile ds = new SqliteFile(config, dataDir.resolve(SQLITE_FILE));
    return over(new SqlSupport(JDBCPool.pool(vertx, ds, new PoolOptions().setMaxSize(1)),
        SqlSupport.Dialect.SQLITE));
  }

  /** {@link #sqlite(Vertx, Path, boolean)} without {@code init}. */
  public static Stores sqlite(Vertx vertx, Path dataDir) {
    return sqlite(vertx, dataDir, false);
  }

  /**
   * The shared store for several replicas, from {@code postgresql://user:pass@host:port/db} (or
   * {@code postgres://...}, with optional query parameters such as {@code sslmode}).
   *
   * @throws InvalidInputException (field "postgres") when the URL cannot be used; the message
   *     never contains the password
   */
  public static Stores postgres(Vertx vertx, String url) {
    PgConnectOptions options = parsePostgresUrl(url);
    return over(new SqlSupport(PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(PG_POOL_SIZE))
            .connectingTo(options)
            .using(vertx)
            .build(),
        SqlSupport.Dialect.POSTGRES));
  }

  /** The stores at {@code location}: SQLite in its data directory, or PostgreSQL at its URL. */
  public static Stores open(Vertx vertx, StoreLocation location) {
    return switch (location) {
      case StoreLocation.Sqlite s -> sqlite(vertx, s.dataDir(), s.init());
      case StoreLocation.Postgres p -> postgres(vertx, p.url());
    };
  }

  private static Stores over(SqlSupport sql) {
    return new Stores(new SqlMachineStore(sql, new SqlCatalog(sql)), new SqlConfigStore(sql),
        new SqlPrefixAllocator(sql), new SqlControlStore(sql), sql);
  }

  static PgConnectOptions parsePostgresUrl(String url) {
    String expected = "; expected postgresql://user:password@host:port/database";
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("postgres", "missing URL" + expected);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // the parser's message quotes the whole URL, password included: do not pass it on
      throw new InvalidInputException("postgres", "not a valid URL at character " + e.getIndex()
          + " (percent-encode special characters in the user name and password)" + expected);
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new InvalidInputException("postgres",
          "scheme " + ErrorText.printable(uri.getScheme()) + " is not postgresql" + expected);
    }
    String shown = redacted(uri);
    if (uri.getHost() == null) {
      throw new InvalidInputException("postgres", shown + " names no host" + expected);
    }
    String path = uri.getPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new InvalidInputException("postgres", shown + " names no database" + expected);
    }
    try {
      return PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new InvalidInputException("postgres", "cannot use " + shown
          + " (check the port and the query parameters)" + expected);
    }
  }

  /** The URL as it may be shown: scheme, user, host, port and database, never the password. */
  private static String redacted(URI uri) {
    String user = uri.getUserInfo() == null ? "" : uri.getUserInfo().replaceFirst(":.*", ":***") + "@";
    return uri.getScheme() + "://" + user + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getPath() == null ? "" : uri.getPath());
  }
}
