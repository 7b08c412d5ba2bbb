package nettboot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  protected MachineStore open(Vertx vertx, String database) {
    return StoreFactory.sqlite(vertx, Path.of(database));
  }

  @Test
  void keepsItsDatabaseInTheDataDirectoryInWalMode() throws Exception {
    await(store.enroll(enrollment(tenant(), uuid(), List.of()), ACTOR, now()));
    assertThat(Path.of(database, StoreFactory.SQLITE_FILE)).isRegularFile();
    assertThat(Path.of(database, StoreFactory.SQLITE_FILE + "-wal")).exists();
  }
}
