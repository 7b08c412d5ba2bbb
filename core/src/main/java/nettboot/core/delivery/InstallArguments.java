package nettboot.core.delivery;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import nettboot.core.boot.BootUrls;
import nettboot.core.machine.Machine;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigToken;

/**
 * The kernel arguments that hand an install boot its Talos config: for a machine that has a
 * config, a fresh per-boot token is minted (only its SHA-256 is stored, bound to machine, tenant
 * and this boot, expiring after the configured lifetime) and the boot gets
 * {@code talos.config=<config listener URL with the token>}, {@code talos.config.early} and, when
 * the sink is on, {@code talos.events.sink}. A machine without a config gets none.
 */
public final class InstallArguments {
  private final ConfigStore configs;
  private final DeliverySettings settings;
  private final Clock clock;
  private final ConfigToken tokens = new ConfigToken(new SecureRandom());

  public InstallArguments(ConfigStore configs, DeliverySettings settings, Clock clock) {
    this.configs = configs;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * The extra kernel arguments for an install boot of {@code m} served from {@code bootBase}.
   * {@code m} is the machine as recorded for this boot: the token is stored only while the machine
   * is still at {@code m.version()} (else a ConflictException, and the boot is decided again).
   */
  public Future<List<String>> forInstallBoot(Machine m, String bootBase) {
    return configs.config(m.key()).compose(cfg -> {
      if (cfg.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      String token = tokens.mint();
      Instant now = clock.instant();
      ConfigStore.TokenRecord rec = new ConfigStore.TokenRecord(ConfigToken.hash(token), m.key(),
          m.tenant(), Long.toHexString(ThreadLocalRandom.current().nextLong()),
          now, now.plus(settings.tokenTtl()));
      String host = BootUrls.host(bootBase);
      List<String> args = new ArrayList<>(3);
      args.add("talos.config=" + BootUrls.configBase(host, settings.configPort())
          + "/v1/config/" + m.displayId() + "?token=" + token);
      args.add(settings.earlyArgument());
      if (settings.eventsSinkOn()) {
        args.add("talos.events.sink=" + BootUrls.eventsSink(host, settings.eventsPort()));
      }
      return configs.putToken(rec, m.version()).map(x -> List.copyOf(args));
    });
  }
}
