package nettboot.core.testsupport;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a Vert.x future from a test thread. A failed future rethrows its own unchecked (domain)
 * exception, so tests can assert on the kind; any other cause or a timeout fails with what was awaited.
 */
public final class Futures {
  /** Generous enough for a loaded machine; a healthy test never waits this long. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Futures() {
  }

  public static <T> T await(Future<T> f) {
    return await(f, TIMEOUT);
  }

  public static <T> T await(Future<T> f, Duration timeout) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new AssertionError("future " + f + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("future " + f + " did not complete within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while awaiting " + f, e);
    }
  }

  /** The failure of a future that must fail, exactly as it was produced. */
  public static Throwable failure(Future<?> f) {
    return failure(f, TIMEOUT);
  }

  public static Throwable failure(Future<?> f, Duration timeout) {
    Object value;
    try {
      value = f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future " + f + " did not complete within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while awaiting " + f, e);
    }
    throw new AssertionError("expected " + f + " to fail, it completed with " + value);
  }
}
