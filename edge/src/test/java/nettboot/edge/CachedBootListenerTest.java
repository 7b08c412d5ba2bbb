package nettboot.edge;

import java.nio.file.Path;
import java.time.Duration;
import nettboot.core.store.CachingMachineStore;
import nettboot.core.store.StoreFactory;

/** Every boot-listener test again, with the boot-path cache in front of the store (as `serve` runs). */
class CachedBootListenerTest extends BootListenerTest {
  @Override
  EdgeFixture newFixture(Path tmp) {
    try {
      java.nio.file.Files.createDirectories(tmp.resolve("data"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new EdgeFixture(tmp, vertx -> new CachingMachineStore(
        StoreFactory.sqlite(vertx, tmp.resolve("data")), Duration.ofSeconds(1)));
  }
}
