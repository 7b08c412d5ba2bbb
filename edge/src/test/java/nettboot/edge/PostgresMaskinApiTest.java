package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import nettboot.core.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maskin's API again on PostgreSQL, and the event feed across replicas: a follower of one replica
 * gets the changes made through another.
 */
class PostgresMaskinApiTest extends MaskinApiTest {
  String url;

  @Override
  EdgeFixture newFixture(Path tmp, UnaryOperator<EdgeConfig> tweak) {
    url = TestPostgres.newDatabase();
    return new EdgeFixture(tmp, url, Duration.ZERO, s -> s, tweak);
  }

  @Test
  void aFollowerOfOneReplicaGetsTheChangesMadeThroughAnother(@TempDir Path other) {
    try (EdgeFixture b = new EdgeFixture(other, url, Duration.ofSeconds(30), s -> s, UnaryOperator.identity())) {
      long last = drain(0);
      var waiting = f.admin().getAbs(f.adminUrl("/v1/admin/events?after=" + last + "&wait=30")).send();
      String id = UUID.randomUUID().toString();
      b.profileFor("acme");
      b.enroll("acme", id, null);
      JsonObject page = await(waiting).bodyAsJsonObject();
      JsonObject first = page.getJsonArray("events").getJsonObject(0);
      assertThat(first.getString("machine")).isEqualTo(id);
      assertThat(first.getLong("id")).isEqualTo(last + 1);
      assertThat(first.getString("actor")).contains("CN=operator");
    }
  }
}
