package nettboot.edge;

import java.security.SecureRandom;
import java.time.Duration;
import nettboot.core.talos.ConfigToken;
import nettboot.core.talos.EarlyConfig;

/**
 * What the boot listener needs to hand Talos its config: the config listener's port (on the same
 * address the boot request arrived on), token lifetime and minting, and the precomputed
 * {@code talos.config.early} argument (the platform CA as a TrustedRootsConfig).
 */
final class ConfigDelivery {
  final int configPort;
  final Duration tokenTtl;
  final ConfigToken tokens = new ConfigToken(new SecureRandom());
  final String earlyArgument;
  /** The Talos events sink port on the boot request's address, or -1 when the sink is off. */
  final int eventsPort;

  ConfigDelivery(int configPort, Duration tokenTtl, String platformCaPem, int eventsPort) {
    this.configPort = configPort;
    this.eventsPort = eventsPort;
    this.tokenTtl = tokenTtl;
    this.earlyArgument = EarlyConfig.kernelArgument(platformCaPem);
  }
}
