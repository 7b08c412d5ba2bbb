package nettboot.core.artifact;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.StorageFullException;
import nettboot.core.error.UnavailableException;
import nettboot.core.io.SecureFiles;

/**
 * Content-addressed artifact bytes on the local filesystem: {@code ROOT/blobs/sha256/<hex>}.
 * Uploads land in {@code ROOT/incoming/} and are moved into place atomically once their digest
 * is known, so a crash never leaves a partial blob under its digest. Names (aliases) live in the
 * inventory store. Every method here blocks on disk I/O: call it from a worker thread.
 */
public final class ArtifactStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path root;
  private final Path blobs;
  private final Path incoming;

  /** Creates the directories when missing. */
  public ArtifactStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.blobs = this.root.resolve("blobs").resolve("sha256");
    this.incoming = this.root.resolve("incoming");
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(incoming);
    } catch (IOException e) {
      throw new UnavailableException("cannot create artifact directories under " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  /** A fresh temp file path for an upload, inside the store (same filesystem as the blobs). */
  public Path newIncomingFile() {
    return incoming.resolve("upload-" + UUID.randomUUID() + ".part");
  }

  /** The blob path for a digest; the digest shape is checked so it can never escape the store. */
  public Path blobPath(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new InvalidInputException("sha256", "expected 64 lower-case hex digits");
    }
    return blobs.resolve(sha256);
  }

  /** The result of committing an upload. */
  public record Stored(String sha256, long size) {}

  /**
   * Hashes an uploaded file, checks it against {@code expectedSha256} when given, fsyncs it and
   * moves it to its content address. The temp file is always gone afterwards.
   *
   * @throws InvalidInputException (field "sha256") when the digest does not match
   * @throws StorageFullException when the disk is full
   */
  public Stored commit(Path uploaded, String expectedSha256) {
    try {
      String expected = expectedSha256 == null ? null : expectedSha256.trim().toLowerCase(Locale.ROOT);
      if (expected != null && !SHA256.matcher(expected).matches()) {
        throw new InvalidInputException("sha256", "expected 64 hex digits");
      }
      SecureFiles.fsync(uploaded);
      long size = Files.size(uploaded);
      String actual = SecureFiles.sha256(uploaded);
      if (expected != null && !expected.equals(actual)) {
        throw new InvalidInputException("sha256", "upload digest " + actual
            + " does not match the expected " + expected + "; nothing stored");
      }
      Path target = blobPath(actual);
      if (Files.exists(target)) {
        return new Stored(actual, size);
      }
      try {
        SecureFiles.moveIntoPlace(uploaded, target);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        if (!Files.exists(target)) {
          throw e;
        }
      }
      SecureFiles.syncDirectory(blobs);
      return new Stored(actual, size);
    } catch (IOException e) {
      if (StorageFullException.isDiskFull(e)) {
        throw new StorageFullException("artifact storage is full (no space left on device);"
            + " nothing stored", e);
      }
      throw new UnavailableException("cannot store artifact: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(uploaded);
      } catch (IOException ignored) {
        // a leftover in incoming/ is removed by the next start-up sweep
      }
    }
  }

  /** Removes leftovers of interrupted uploads. */
  public void sweepIncoming() {
    try (var files = Files.list(incoming)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot clean " + incoming, e);
    }
  }

  /** Hex SHA-256 of bytes. */
  public static String sha256(byte[] data) {
    return HexFormat.of().formatHex(SecureFiles.newSha256().digest(data));
  }
}
