package nettboot.cli;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import nettboot.core.error.NettBootException;
import nettboot.core.error.UnavailableException;

/** Waits for a Vert.x future from a non-event-loop thread (the CLI's main thread). */
public final class Await {
  private Await() {}

  public static <T> T result(Future<T> f, Duration timeout, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof NettBootException ne) {
        throw ne;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new UnavailableException(what + " failed: " + c, c);
    } catch (TimeoutException e) {
      throw new UnavailableException(what + " did not finish within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException(what + " interrupted", e);
    }
  }
}
