package nettboot.core.delivery;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import nettboot.core.store.Stores;
import nettboot.core.store.StoreFactory;
import org.junit.jupiter.api.io.TempDir;

/** The token lifetime on SQLite (a new database per test). */
class SqliteTokenLifetimeTest extends TokenLifetimeContract {
  @TempDir
  Path dir;

  @Override
  protected Stores open(Vertx vertx) {
    return StoreFactory.sqlite(vertx, dir);
  }
}
