package nettboot.edge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The admin API contract served at /v1/admin/openapi.yaml. The build copies
 * {@code docs/openapi.yaml} into the jar (see the edge pom), so there is one file in git.
 */
final class OpenApi {
  static final String RESOURCE = "/nettboot/edge/openapi.yaml";

  private OpenApi() {}

  /** Read once per server, at start-up (not on an event loop). */
  static String load() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml missing from the edge jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read openapi.yaml", e);
    }
  }
}
