package nettboot.edge;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.MachineId;
import nettboot.core.store.SqliteDataDir;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite file deleted (or replaced) under a running server: no write is acknowledged from then
 * on, the replica is unready, and a restart does not silently begin a new, empty database.
 */
class DeletedDatabaseTest {
  static final String MACHINE = "5a5a5a5a-0000-4000-8000-000000000021";
  static final String LATER = "5a5a5a5a-0000-4000-8000-000000000022";

  @Test
  void writesAreRefusedTheServerIsUnreadyAndARestartIsRefused(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      f.profileFor("acme");
      f.enroll("acme", MACHINE, null);
      f.awaitReadyz(200);

      Files.delete(data.resolve(StoreFactory.SQLITE_FILE));

      HttpResponse<Buffer> transition = f.adminJson(HttpMethod.PUT,
          "/v1/admin/machines/" + MACHINE + "/state",
          new JsonObject().put("state", "Provisioning").put("reason", "test"));
      assertThat(transition.statusCode()).isEqualTo(503);
      assertThat(transition.bodyAsJsonObject().getString("error")).contains("was deleted");
      HttpResponse<Buffer> enrol = f.adminJson(HttpMethod.POST, "/v1/admin/machines",
          new JsonObject().put("tenant", "acme").put("role", "worker").put("uuid", LATER));
      assertThat(enrol.statusCode()).isEqualTo(503);
      assertThat(f.awaitReadyz(503).bodyAsString()).startsWith("not ready: store write failed: ")
          .contains("was deleted");
    }

    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> StoreFactory.sqlite(vertx, data))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("nett-boot.db is missing").hasMessageContaining("--init");
      assertThat(data.resolve(StoreFactory.SQLITE_FILE)).doesNotExist();

      try (Stores fresh = StoreFactory.sqlite(vertx, data, true)) {
        await(fresh.migrate());
        assertThat(await(fresh.machines().find(MachineId.parse(MACHINE)))).isEmpty();
      }
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void aReplacedFileIsRefusedToo(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      f.profileFor("acme");
      Path db = data.resolve(StoreFactory.SQLITE_FILE);
      Path copy = tmp.resolve("copy.db");
      Files.copy(db, copy);
      Files.move(copy, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

      HttpResponse<Buffer> enrol = f.adminJson(HttpMethod.POST, "/v1/admin/machines",
          new JsonObject().put("tenant", "acme").put("role", "worker").put("uuid", LATER));
      assertThat(enrol.statusCode()).isEqualTo(503);
      assertThat(enrol.bodyAsJsonObject().getString("error")).contains("was replaced");
      assertThat(f.awaitReadyz(503).bodyAsString()).contains("was replaced");
    }
  }

  @Test
  void aFirstStartOnAnEmptyDirectoryCreatesTheDatabaseAndItsMarker(@TempDir Path tmp) {
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      assertThat(List.of(StoreFactory.SQLITE_FILE, SqliteDataDir.MARKER))
          .allSatisfy(name -> assertThat(tmp.resolve("data").resolve(name)).isRegularFile());
    }
  }
}
