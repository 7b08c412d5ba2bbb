package nettboot.core.delivery;

import io.vertx.core.Vertx;
import nettboot.core.store.Stores;
import nettboot.core.store.StoreFactory;
import nettboot.core.testsupport.TestPostgres;

/** The token lifetime on a real PostgreSQL server (a new database per test). */
class PostgresTokenLifetimeTest extends TokenLifetimeContract {
  @Override
  protected Stores open(Vertx vertx) {
    return StoreFactory.postgres(vertx, TestPostgres.newDatabase());
  }
}
