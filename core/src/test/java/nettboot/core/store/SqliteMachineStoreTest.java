package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite backend: a new database file per test. */
class SqliteMachineStoreTest extends MachineStoreContract {
  @TempDir
  Path root;

  @Override
  protected String newDatabase() throws Exception {
    return Files.createTempDirectory(root, "data").toString();
  }

  @Override
  protected Stores open(Vertx vertx, String database) {
    return StoreFactory.sqlite(vertx, Path.of(database));
  }

  @Test
  void keepsItsDatabaseInTheDataDirectoryInWalMode() throws Exception {
    await(store.enroll(enrollment(tenant(), uuid(), List.of()), ACTOR, now()));
    assertThat(Path.of(database, StoreFactory.SQLITE_FILE)).isRegularFile();
    assertThat(Path.of(database, StoreFactory.SQLITE_FILE + "-wal")).exists();
  }

  @Test
  void aMissingDataDirectoryIsInvalidInput() {
    assertThatThrownBy(() -> StoreFactory.sqlite(vertx, root.resolve("absent")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("dataDir"));
  }

  @Test
  void recognisesSqliteUniqueViolationsAsTheRaceGuard() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (k TEXT PRIMARY KEY, u TEXT UNIQUE)");
      st.execute("INSERT INTO t VALUES ('a', 'x')");
      SQLException pk = catchThrowableOfType(SQLException.class,
          () -> st.execute("INSERT INTO t VALUES ('a', 'y')"));
      SQLException unique = catchThrowableOfType(SQLException.class,
          () -> st.execute("INSERT INTO t VALUES ('b', 'x')"));
      SQLException other = catchThrowableOfType(SQLException.class,
          () -> st.execute("INSERT INTO t VALUES (NULL, 'z', 'extra')"));
      assertThat(SqlSupport.isUniqueViolation(pk)).isTrue();
      assertThat(SqlSupport.isUniqueViolation(new RuntimeException(unique))).isTrue();
      assertThat(SqlSupport.isUniqueViolation(other)).isFalse();
    }
  }
}
