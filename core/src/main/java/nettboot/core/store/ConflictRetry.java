package nettboot.core.store;

import io.vertx.core.Future;
import java.util.function.Supplier;
import nettboot.core.error.ConflictException;

/**
 * The retry policy for writes guarded by the optimistic version check: when another writer (a
 * second boot of the same machine, an operator, another replica) won the race, read the fresh
 * record and decide again, a bounded number of times. Any other failure, and the conflict of the
 * last attempt, is passed on.
 */
public final class ConflictRetry {
  /** Attempts in all, the first one included. */
  public static final int MAX_ATTEMPTS = 3;

  private ConflictRetry() {}

  /** Runs {@code attempt} (which must read what it checks afresh) until it does not conflict. */
  public static <T> Future<T> retry(Supplier<Future<T>> attempt) {
    return retry(attempt, 1);
  }

  private static <T> Future<T> retry(Supplier<Future<T>> attempt, int n) {
    Future<T> f;
    try {
      f = attempt.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(e -> e instanceof ConflictException && n < MAX_ATTEMPTS
        ? retry(attempt, n + 1)
        : Future.failedFuture(e));
  }
}
