package nettboot.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.function.Consumer;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;

/**
 * Cross-replica cache invalidation on PostgreSQL: every committed write announces what it changed
 * on a LISTEN/NOTIFY channel ({@code SqlMachineStore} sends it in the writing transaction), and each
 * replica's {@link CachingMachineStore} drops exactly those entries. After a reconnect (when
 * notifications may have been missed) the whole cache is dropped. The TTL stays as a backstop.
 *
 * <p>Messages: {@code m <tenant> <id> <id>…} (a machine's UUID and MACs), {@code p <profile>},
 * {@code a <artifact>}.
 */
public final class ChangeFeed implements AutoCloseable {
  public static final String CHANNEL = "nettboot_changes";
  /** Revocations: {@code r <serial>}, one per new revocation (apart, so caches are not dropped). */
  public static final String REVOCATIONS = "nettboot_revocations";

  private final PgSubscriber subscriber;

  private ChangeFeed(PgSubscriber subscriber) {
    this.subscriber = subscriber;
  }

  static String machine(Machine m) {
    StringBuilder sb = new StringBuilder("m ").append(m.tenant());
    m.uuid().ifPresent(u -> sb.append(' ').append(u.value()));
    for (MachineId.Mac mac : m.macs()) {
      sb.append(' ').append(mac.value());
    }
    return sb.toString();
  }

  static String revocation(nettboot.core.pki.Revocation r) {
    return "r " + r.serial();
  }

  static String profile(String name) {
    return "p " + name;
  }

  static String artifact(String name) {
    return "a " + name;
  }

  /**
   * Subscribes to the channel of the database at {@code url}; {@code onChange} gets each message,
   * {@code onResubscribed} runs after every (re)connection. Reconnects every second after a loss.
   */
  public static Future<ChangeFeed> start(Vertx vertx, String url, Consumer<String> onChange,
      Runnable onResubscribed) {
    return start(vertx, url, CHANNEL, onChange, onResubscribed);
  }

  /** {@link #start(Vertx, String, Consumer, Runnable)} on another channel ({@link #REVOCATIONS}). */
  public static Future<ChangeFeed> start(Vertx vertx, String url, String channel,
      Consumer<String> onChange, Runnable onResubscribed) {
    PgConnectOptions options = StoreFactory.parsePostgresUrl(url);
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
    subscriber.channel(channel)
        .handler(onChange::accept)
        .subscribeHandler(v -> onResubscribed.run());
    return subscriber.connect().map(v -> new ChangeFeed(subscriber));
  }

  @Override
  public void close() {
    subscriber.close();
  }
}
