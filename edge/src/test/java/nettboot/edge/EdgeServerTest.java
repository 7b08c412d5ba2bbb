package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import nettboot.core.error.UnavailableException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up of the composed server: what it cleans up and how it refuses a taken address. */
class EdgeServerTest {

  @Test
  void anUploadInterruptedBeforeTheLastStopIsSweptAtStart(@TempDir Path tmp) throws Exception {
    Path incoming = Files.createDirectories(tmp.resolve("data/artifacts/incoming"));
    Path leftover = Files.writeString(incoming.resolve("upload-interrupted.part"), "half an upload");
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      assertThat(leftover).doesNotExist();
      assertThat(incoming).isEmptyDirectory();
      f.uploadArtifact("after-start", "bytes".getBytes());
    }
  }

  @Test
  void aTakenEventsAddressNamesTheOptionToChange(@TempDir Path tmp) throws Exception {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), EdgeFixture.DOMAIN, List.of("::1"),
        Clock.systemUTC());
    Path data = Files.createDirectories(tmp.resolve("data"));
    ListenAddress any = new ListenAddress("::1", 0);
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      ListenAddress busy = new ListenAddress("::1", taken.getLocalPort());
      EdgeConfig config = EdgeConfig.of(any, any, any, any, ca.serverCertPath(), ca.serverKeyPath(),
          ca.rootCertPath(), EdgeFixture.DOMAIN, data.resolve("artifacts")).withEvents(busy)
          .withEventLoops(1);
      JsonLog log = new JsonLog(new PrintStream(logBytes, true));
      try {
        EdgeServer.Settings settings = new EdgeServer.Settings(config, new StoreLocation.Sqlite(data),
            Duration.ZERO);
        assertThatThrownBy(() -> EdgeServer.start(settings, log, Clock.systemUTC()))
            .isInstanceOf(UnavailableException.class)
            .hasMessage("--events-listen " + busy + " is already in use; pass --events-listen ADDR:PORT or off");
      } finally {
        log.close();
      }
    }
  }
}
