package nettboot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.testsupport.Futures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class StoreFactoryTest {

  @Test
  void acceptsPostgresqlAndPostgresUrls() {
    PgConnectOptions o = StoreFactory.parsePostgresUrl("postgresql://nb:s3cret@db.lab:6543/inv");
    assertThat(o.getHost()).isEqualTo("db.lab");
    assertThat(o.getPort()).isEqualTo(6543);
    assertThat(o.getUser()).isEqualTo("nb");
    assertThat(o.getPassword()).isEqualTo("s3cret");
    assertThat(o.getDatabase()).isEqualTo("inv");
    PgConnectOptions short_ = StoreFactory.parsePostgresUrl("postgres://nb:s3cret@[::1]/inv");
    assertThat(short_.getPort()).isEqualTo(5432);
    assertThat(short_.getDatabase()).isEqualTo("inv");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "mysql://nb:s3cret@db/inv", "postgresql://nb:s3cret@db:5432",
      "postgresql://nb:s3cret@db:5432/", "postgresql://nb:s3c ret@db/inv",
      "postgresql://nb:s3cret@db:notaport/inv", "postgresql://nb:s3cret@db:99999/inv",
      "postgresql://nb:s3c/ret@db/inv", "postgresql://nb:s3cret@/inv"})
  void refusesBadUrlsWithoutEchoingThePassword(String url) {
    assertThatThrownBy(() -> StoreFactory.parsePostgresUrl(url))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("postgres"))
        .message().doesNotContain("s3cret").doesNotContain("s3c").startsWith("postgres: ");
  }

  @Test
  void anUnreachableServerIsUnavailableWithoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    try (Stores stores = StoreFactory.postgres(vertx,
        "postgresql://nb:s3cret@127.0.0.1:" + port + "/inv")) {
      Throwable e = Futures.failure(stores.machines().ping());
      assertThat(e).isInstanceOf(UnavailableException.class);
      assertThat(e.getMessage()).doesNotContain("s3cret");
      assertThat(Futures.failure(stores.migrate()))
          .isInstanceOf(UnavailableException.class);
      // every part translates its failures the same way: one line, the operation named
      for (Throwable part : List.of(
          Futures.failure(stores.configs().token("0".repeat(64))),
          Futures.failure(stores.prefixes().list("pool")),
          Futures.failure(stores.machines().profiles(java.util.Optional.empty())))) {
        assertThat(part).isInstanceOf(UnavailableException.class);
        assertThat(part.getMessage()).startsWith("inventory database (postgres) failed during ")
            .doesNotContain("s3cret").doesNotContain("\n");
      }
    } finally {
      Futures.await(vertx.close());
    }
  }
}
