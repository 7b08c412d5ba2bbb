package nettboot.core.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import nettboot.core.error.UnavailableException;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.ControlStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.PrefixAllocator;
import nettboot.core.store.Stores;

/**
 * Fault injection for the inventory: wraps real {@link Stores} so that each store operation
 * behaves as the current fault says, switchable at run time from any thread:
 * <ul>
 *   <li>{@link #fail}: every operation answers a failed future with {@link UnavailableException},
 *       as the SQL stores do when their database is gone;
 *   <li>{@link #failWrites}: reads answer, every write fails (a full disk);
 *   <li>{@link #slow}: every operation answers, but only after a delay (frozen storage);
 *   <li>{@link #recover}: the real stores answer again.
 * </ul>
 * Closing still closes the real database.
 */
public final class BrokenStores {
  /** The message of every injected failure. */
  public static final String MESSAGE = "inventory database (injected fault) failed: connection refused";

  /** The operations that only read; every other operation returning a future writes. */
  private static final Set<String> READS = Set.of("ping", "find", "findForTenant", "list", "page",
      "history", "profile", "profiles", "artifact", "artifacts", "config", "token", "fetchesFrom");

  private sealed interface Fault {}

  private record None() implements Fault {}

  private record All() implements Fault {}

  private record Writes() implements Fault {}

  private record Slow(Duration delay) implements Fault {}

  private final AtomicReference<Fault> fault = new AtomicReference<>(new None());

  /** From now on every store operation fails. */
  public void fail() {
    fault.set(new All());
  }

  /** From now on reads answer and every write fails. */
  public void failWrites() {
    fault.set(new Writes());
  }

  /** From now on every store operation answers only after {@code delay}. */
  public void slow(Duration delay) {
    fault.set(new Slow(delay));
  }

  /** From now on the real stores answer again. */
  public void recover() {
    fault.set(new None());
  }

  public boolean isBroken() {
    return !(fault.get() instanceof None);
  }

  /** {@code real}, with every part (and migrations and heartbeats) under the current fault. */
  public Stores wrap(Stores real) {
    Stores.Database database = new Stores.Database() {
      @Override
      public Future<Void> migrate() {
        return faulty(true, () -> real.database().migrate());
      }

      @Override
      public Future<Void> heartbeat(String replica, Instant now) {
        return faulty(true, () -> real.database().heartbeat(replica, now));
      }

      @Override
      public void close() {
        real.database().close();
      }
    };
    return new Stores(failing(MachineStore.class, real.machines()),
        failing(ConfigStore.class, real.configs()), failing(PrefixAllocator.class, real.prefixes()),
        failing(ControlStore.class, real.control()), database);
  }

  private interface Call<T> {
    Future<T> call() throws Throwable;
  }

  private <T> Future<T> faulty(boolean write, Call<T> call) {
    Fault f = fault.get();
    try {
      return switch (f) {
        case None n -> call.call();
        case All a -> failure();
        case Writes w -> write ? failure() : call.call();
        case Slow s -> later(s.delay(), call);
      };
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code call}'s answer, {@code delay} after it came (on the caller's context, if any). */
  private static <T> Future<T> later(Duration delay, Call<T> call) throws Throwable {
    Future<T> real = call.call();
    Context ctx = Vertx.currentContext();
    Promise<T> delayed = Promise.promise();
    real.onComplete(ar -> {
      Runnable complete = () -> delayed.handle(ar);
      if (ctx != null) {
        ctx.owner().setTimer(Math.max(1, delay.toMillis()), id -> complete.run());
      } else {
        CompletableFuture.runAsync(complete,
            CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
      }
    });
    return delayed.future();
  }

  private <T> T failing(Class<T> type, T real) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getReturnType() == Future.class) {
            return faulty(!READS.contains(method.getName()), () -> invoke(method, real, args));
          }
          return invoke(method, real, args);
        }));
  }

  @SuppressWarnings("unchecked")
  private static <T> T invoke(java.lang.reflect.Method method, Object real, Object[] args)
      throws Throwable {
    try {
      return (T) method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> Future<T> failure() {
    return Future.failedFuture(new UnavailableException(MESSAGE, null));
  }
}
