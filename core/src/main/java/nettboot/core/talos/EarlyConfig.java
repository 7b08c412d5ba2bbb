package nettboot.core.talos;

import com.github.luben.zstd.Zstd;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code talos.config.early} kernel argument (Talos 1.12+): base64 of a zstd-compressed
 * TrustedRootsConfig document, so Talos trusts the platform CA before it fetches its config from
 * the config listener. Keep the CA ECDSA: the whole kernel command line has about 2 KiB.
 */
public final class EarlyConfig {
  public static final String ARG = "talos.config.early";

  private EarlyConfig() {}

  /** The TrustedRootsConfig document with the platform CA (the same one the machine config carries). */
  public static String trustedRootsDocument(String platformCaPem) {
    StringBuilder sb = new StringBuilder();
    sb.append("apiVersion: v1alpha1\n");
    sb.append("kind: TrustedRootsConfig\n");
    sb.append("name: ").append(MachineConfigGenerator.TRUSTED_ROOTS_NAME).append('\n');
    sb.append("certificates: |\n");
    for (String line : platformCaPem.strip().split("\n")) {
      sb.append("  ").append(line.strip()).append('\n');
    }
    return sb.toString();
  }

  /** {@code talos.config.early=<base64(zstd(document))>}. */
  public static String kernelArgument(String platformCaPem) {
    byte[] doc = trustedRootsDocument(platformCaPem).getBytes(StandardCharsets.UTF_8);
    byte[] compressed = Zstd.compress(doc, 19);
    return ARG + "=" + Base64.getEncoder().encodeToString(compressed);
  }
}
