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

  ConfigDelivery(int configPort, Duration tokenTtl, String platformCaPem) {
    this.configPort = configPort;
    this.tokenTtl = tokenTtl;
    this.earlyArgument = EarlyConfig.kernelArgument(platformCaPem);
  }
}
