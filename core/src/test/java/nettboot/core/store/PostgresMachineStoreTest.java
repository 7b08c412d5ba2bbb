package nettboot.core.store;

import io.vertx.core.Vertx;
import nettboot.core.testsupport.TestPostgres;

/** The store contract on PostgreSQL: one new database per test class (see {@link TestPostgres}). */
class PostgresMachineStoreTest extends MachineStoreContract {
  private String classDatabase;

  @Override
  protected String newDatabase() {
    return TestPostgres.newDatabase();
  }

  @Override
  protected String testDatabase() {
    if (classDatabase == null) {
      classDatabase = newDatabase();
    }
    return classDatabase;
  }

  @Override
  protected MachineStore open(Vertx vertx, String database) {
    return StoreFactory.postgres(vertx, database);
  }
}
