package nettboot.edge;

import java.nio.file.Path;
import nettboot.core.store.StoreFactory;
import nettboot.core.testsupport.TestPostgres;

/** Every boot-listener test again, with the server on a real PostgreSQL store. */
class PostgresBootListenerTest extends BootListenerTest {
  @Override
  EdgeFixture newFixture(Path tmp) {
    String url = TestPostgres.newDatabase();
    return new EdgeFixture(tmp, vertx -> StoreFactory.postgres(vertx, url));
  }
}
