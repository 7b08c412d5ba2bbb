package nettboot.core.store;

import io.vertx.core.Vertx;
import nettboot.core.testsupport.TestPostgres;

/** The prefix allocator contract on PostgreSQL (see {@link TestPostgres}). */
class PostgresPrefixAllocatorTest extends PrefixAllocatorContract {
  @Override
  protected String newDatabase() {
    return TestPostgres.newDatabase();
  }

  @Override
  protected Stores open(Vertx vertx, String database) {
    return StoreFactory.postgres(vertx, database);
  }
}
