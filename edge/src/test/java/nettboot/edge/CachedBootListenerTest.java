package nettboot.edge;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Every boot-listener test again, with the boot-path cache in front of the store (as `serve` runs). */
class CachedBootListenerTest extends BootListenerTest {
  @Override
  EdgeFixture newFixture(Path tmp) {
    return new EdgeFixture(tmp, null, Duration.ofSeconds(1), UnaryOperator.identity());
  }
}
