package nettboot.core.testsupport;

import io.vertx.core.Future;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import nettboot.core.error.UnavailableException;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.PrefixAllocator;
import nettboot.core.store.Stores;

/**
 * Fault injection for the inventory: wraps real {@link Stores} so that, while {@link #fail broken},
 * every store operation answers a failed future with {@link UnavailableException}, as the SQL
 * stores do when their database is gone; after {@link #recover} the real stores answer again.
 * Switchable at run time from any thread. Closing still closes the real database.
 */
public final class BrokenStores {
  /** The message of every injected failure. */
  public static final String MESSAGE = "inventory database (injected fault) failed: connection refused";

  private final AtomicBoolean broken = new AtomicBoolean();

  /** From now on every store operation fails. */
  public void fail() {
    broken.set(true);
  }

  /** From now on the real stores answer again. */
  public void recover() {
    broken.set(false);
  }

  public boolean isBroken() {
    return broken.get();
  }

  /** {@code real}, with every part (and migrations) failing while this is broken. */
  public Stores wrap(Stores real) {
    Stores.Database database = new Stores.Database() {
      @Override
      public Future<Void> migrate() {
        return broken.get() ? failure() : real.database().migrate();
      }

      @Override
      public void close() {
        real.database().close();
      }
    };
    return new Stores(failing(MachineStore.class, real.machines()),
        failing(ConfigStore.class, real.configs()), failing(PrefixAllocator.class, real.prefixes()),
        database);
  }

  private <T> T failing(Class<T> type, T real) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          if (broken.get() && method.getReturnType() == Future.class) {
            return failure();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }));
  }

  private static <T> Future<T> failure() {
    return Future.failedFuture(new UnavailableException(MESSAGE, null));
  }
}
