package nettboot.core.talos;

import java.util.List;
import java.util.stream.IntStream;
import nettboot.core.error.InvalidInputException;

/**
 * The Talos versions this build generates configs for: those whose machine-config schema it
 * carries ({@code nettboot/talos/v1.13/config.schema.json}, from v1.13.9). Talos keeps the schema
 * stable within a minor release, so every v1.13 patch up to the schema's is known; anything else
 * is refused rather than guessed at.
 */
public final class TalosVersions {
  /** The schema resource every generated document is validated against. */
  public static final String SCHEMA_RESOURCE = "/nettboot/talos/v1.13/config.schema.json";

  public static final List<String> SUPPORTED =
      IntStream.rangeClosed(0, 9).mapToObj(p -> "v1.13." + p).toList();

  private TalosVersions() {}

  /** {@code version} (with or without the leading v) in canonical {@code vX.Y.Z} form. */
  public static String require(String field, String version) {
    String v = version != null && !version.startsWith("v") ? "v" + version : version;
    if (v == null || !SUPPORTED.contains(v)) {
      throw new InvalidInputException(field, "unknown Talos version \"" + version + "\"; this build knows "
          + SUPPORTED.get(0) + " to " + SUPPORTED.get(SUPPORTED.size() - 1)
          + " (the machine-config schema it validates against)");
    }
    return v;
  }
}
