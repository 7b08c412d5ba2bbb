package nettboot.core.store;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.SqlClient;
import nettboot.core.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

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
  protected Stores open(Vertx vertx, String database) {
    return StoreFactory.postgres(vertx, database);
  }

  @Test
  void recognisesPostgresUniqueViolationsAsTheRaceGuard() throws Exception {
    SqlClient client = PgBuilder.client().connectingTo(database).using(vertx).build();
    try {
      String table = "unique_" + tenant();
      await(client.query("CREATE TABLE " + table + " (k TEXT PRIMARY KEY)").execute());
      await(client.query("INSERT INTO " + table + " VALUES ('a')").execute());
      assertThat(SqlSupport.isUniqueViolation(
          failure(client.query("INSERT INTO " + table + " VALUES ('a')").execute()))).isTrue();
      assertThat(SqlSupport.isUniqueViolation(
          failure(client.query("INSERT INTO missing VALUES ('a')").execute()))).isFalse();
    } finally {
      await(client.close());
    }
  }
}
