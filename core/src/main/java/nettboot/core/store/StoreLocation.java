package nettboot.core.store;

import java.nio.file.Path;
import java.util.Objects;

/** Where the inventory database is: validated at start-up, opened by {@link StoreFactory#open}. */
public sealed interface StoreLocation {

  /**
   * The embedded database: {@code dataDir/nett-boot.db}.
   *
   * @param init create a new, empty database even where one was created before and is now missing
   */
  record Sqlite(Path dataDir, boolean init) implements StoreLocation {
    public Sqlite {
      Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The database in {@code dataDir}; a new one only where none was created before. */
    public Sqlite(Path dataDir) {
      this(dataDir, false);
    }

    @Override
    public String kind() {
      return "sqlite";
    }
  }

  /**
   * The shared database of several replicas, {@code postgresql://user:password@host:port/db}; the
   * URL is checked here, and messages about it never show the password.
   */
  record Postgres(String url) implements StoreLocation {
    public Postgres {
      StoreFactory.parsePostgresUrl(url);
    }

    @Override
    public String kind() {
      return "postgresql";
    }

    @Override
    public String toString() {
      return "Postgres[url=<redacted>]";
    }
  }

  /** "sqlite" or "postgresql", for logs. */
  String kind();

  /** PostgreSQL at {@code postgresUrl} when it is given (not blank), else SQLite in {@code dataDir}. */
  static StoreLocation of(Path dataDir, String postgresUrl) {
    return of(dataDir, postgresUrl, false);
  }

  /** As {@link #of(Path, String)}; {@code init} as {@link Sqlite#init()}. */
  static StoreLocation of(Path dataDir, String postgresUrl, boolean init) {
    return postgresUrl == null || postgresUrl.isBlank() ? new Sqlite(dataDir, init)
        : new Postgres(postgresUrl);
  }
}
