package nettboot.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.util.Objects;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite database file as the server opened it. It remembers the file's identity (its
 * {@code fileKey}: device and inode) when the first connection opens it, and gives every connection
 * the SQL function {@value #UNCHANGED_FUNCTION}{@code ()}, which fails when the file at the path is
 * gone or is another file. The stores call it inside every write transaction before COMMIT (on the
 * JDBC worker, never an event loop), so a server whose database was deleted or replaced under it
 * stops acknowledging writes: SQLite itself would go on committing into the unlinked inode, and
 * everything acknowledged from then on would be lost at the next start.
 */
final class SqliteFile extends SQLiteDataSource {
  /** The SQL function that fails unless the file at the path is the one opened. */
  static final String UNCHANGED_FUNCTION = "nettboot_file_unchanged";

  private final Path file;
  private volatile Object openedKey;

  SqliteFile(SQLiteConfig config, Path file) {
    super(config);
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    setUrl("jdbc:sqlite:" + this.file);
  }

  @Override
  public SQLiteConnection getConnection(String username, String password) throws SQLException {
    SQLiteConnection conn = super.getConnection(username, password);
    try {
      Object key = key();
      synchronized (this) {
        if (openedKey == null) {
          openedKey = key;
        }
      }
      Function.create(conn, UNCHANGED_FUNCTION, new Function() {
        @Override
        protected void xFunc() throws SQLException {
          checkUnchanged();
          result(1);
        }
      });
      checkUnchanged();
      return conn;
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** Fails unless the file at the path is the file first opened. */
  void checkUnchanged() throws SQLException {
    Object now;
    try {
      now = key();
    } catch (SQLException e) {
      throw new SQLException("the database file " + file + " was deleted after the server opened"
          + " it; writes are refused (restart once the file is restored)", e);
    }
    if (!now.equals(openedKey)) {
      throw new SQLException("the database file " + file + " was replaced after the server opened"
          + " it; writes are refused (restart to use the new file)");
    }
  }

  private Object key() throws SQLException {
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
      if (key == null) {
        throw new SQLException("the file system of " + file + " reports no file identity");
      }
      return key;
    } catch (NoSuchFileException e) {
      throw new SQLException(file + " does not exist", e);
    } catch (IOException e) {
      throw new SQLException("cannot read the attributes of " + file + ": " + e, e);
    }
  }
}
