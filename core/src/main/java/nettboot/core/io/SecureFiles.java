package nettboot.core.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import nettboot.core.error.ConflictException;
import nettboot.core.error.UnavailableException;

/**
 * Atomic file writes for the PKI directory: content goes to a temporary file in the target's
 * directory (created 0600, so a key is never readable by others, not even briefly), is flushed to
 * disk, gets its final mode, and is then renamed over the target.
 */
public final class SecureFiles {
  static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  static boolean posix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Creates {@code dir} (and parents) when missing; a newly created leaf directory gets 0700. */
  public static void privateDirectory(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (posix(parent == null ? dir : parent)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      // created concurrently; fine as long as it is a directory
      if (!Files.isDirectory(dir)) {
        throw new UnavailableException("cannot create directory " + dir + ": a file is in the way", e);
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot create directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code content} to {@code target} atomically.
   *
   * @param secret true for private keys: the file stays 0600
   * @param replace false to refuse (ConflictException) when the target already exists; the check
   *     and the creation are one atomic step (a hard link), so two writers cannot both win
   */
  public static void write(Path target, byte[] content, boolean secret, boolean replace) {
    Path dir = target.toAbsolutePath().getParent();
    boolean posix = posix(dir);
    Path tmp = null;
    try {
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE)}
          : new FileAttribute<?>[0];
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (posix) {
        Files.setPosixFilePermissions(tmp, secret ? PRIVATE : PUBLIC);
      }
      if (replace) {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.createLink(target, tmp);
        } catch (UnsupportedOperationException e) {
          if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
          }
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      syncDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new ConflictException(target + " already exists");
    } catch (IOException e) {
      throw new UnavailableException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray temp file is harmless: it is 0600 and starts with a dot
        }
      }
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can fsync a directory; the rename itself is still atomic
    }
  }
}
