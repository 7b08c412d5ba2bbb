package nettboot.edge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import nettboot.core.testsupport.TestPostgres;

/** Every boot-listener test again, with the server on a real PostgreSQL store. */
class PostgresBootListenerTest extends BootListenerTest {
  @Override
  EdgeFixture newFixture(Path tmp) {
    String url = TestPostgres.newDatabase();
    return new EdgeFixture(tmp, url, Duration.ZERO, UnaryOperator.identity());
  }
}
