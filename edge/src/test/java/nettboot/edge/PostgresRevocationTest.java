package nettboot.edge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import nettboot.core.testsupport.TestPostgres;

/** Every revocation test again, with the server on a real PostgreSQL store. */
class PostgresRevocationTest extends RevocationTest {
  @Override
  EdgeFixture newFixture(Path dir) {
    return new EdgeFixture(dir, TestPostgres.newDatabase(), Duration.ZERO, UnaryOperator.identity());
  }
}
