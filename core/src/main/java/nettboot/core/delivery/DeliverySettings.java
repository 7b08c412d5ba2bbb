package nettboot.core.delivery;

import java.time.Duration;
import java.util.Objects;
import nettboot.core.talos.EarlyConfig;

/**
 * How install boots are handed their Talos config: the config listener's port and the events
 * sink's port (both on the address the boot request arrived on; the sink's is -1 when it is off),
 * the lifetime of a per-boot token and the precomputed {@code talos.config.early} argument (the
 * platform CA as a TrustedRootsConfig).
 */
public record DeliverySettings(int configPort, Duration tokenTtl, String earlyArgument, int eventsPort) {
  public DeliverySettings {
    Objects.requireNonNull(tokenTtl, "tokenTtl");
    Objects.requireNonNull(earlyArgument, "earlyArgument");
    if (tokenTtl.isNegative() || tokenTtl.isZero()) {
      throw new IllegalArgumentException("tokenTtl must be positive");
    }
  }

  public static DeliverySettings of(int configPort, Duration tokenTtl, String platformCaPem, int eventsPort) {
    return new DeliverySettings(configPort, tokenTtl, EarlyConfig.kernelArgument(platformCaPem), eventsPort);
  }

  public boolean eventsSinkOn() {
    return eventsPort > 0;
  }
}
