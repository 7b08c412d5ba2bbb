package nettboot.core.store;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/** The prefix allocator contract on SQLite (two connection pools on one file, as two processes). */
class SqlitePrefixAllocatorTest extends PrefixAllocatorContract {
  private Path root;

  @Override
  protected String newDatabase() throws Exception {
    root = Files.createTempDirectory("nettboot-prefix");
    return root.toString();
  }

  @Override
  protected Stores open(Vertx vertx, String database) {
    return StoreFactory.sqlite(vertx, Path.of(database));
  }

  @AfterAll
  void removeFiles() throws Exception {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
