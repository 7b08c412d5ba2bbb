package nettboot.core.store;

import java.time.Instant;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.Names;

/**
 * A named alias for content-addressed artifact bytes.
 *
 * @param name the alias used in URLs ({@code /v1/artifacts/{name}})
 * @param sha256 lower-case hex SHA-256 of the content; also its strong ETag and its blob file name
 * @param size content length in bytes
 */
public record ArtifactRecord(String name, String sha256, long size, Instant updatedAt) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ArtifactRecord {
    Names.requireArtifact("name", name);
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new InvalidInputException("sha256", "expected 64 lower-case hex digits");
    }
    if (size < 0) {
      throw new InvalidInputException("size", "negative");
    }
  }
}
