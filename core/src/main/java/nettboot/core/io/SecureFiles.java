package nettboot.core.io;

import java.io.IOException;
import java.io.InputStream;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import nettboot.core.error.ConflictException;
import nettboot.core.error.UnavailableException;

/**
 * The one place that writes files which must never be seen half-written or by other users:
 * content goes to a temporary file in the target's directory (created 0600, so a key is never
 * readable by others, not even briefly), is flushed to disk, gets its final mode, and is then
 * renamed over the target; the directory is synced after the rename. Also the tree delete and the
 * file digest every module uses. All of it blocks on disk I/O: call it from a worker thread.
 */
public final class SecureFiles {
  public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

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
   * A new directory (0700) inside {@code parent} (created when missing), named {@code
   * prefix<random>}: a private place to assemble files before they are moved into place.
   */
  public static Path privateTempDirectory(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    return posix(parent)
        ? Files.createTempDirectory(parent, prefix, PosixFilePermissions.asFileAttribute(PRIVATE_DIR))
        : Files.createTempDirectory(parent, prefix);
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
        writeFully(ch, content);
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

  /**
   * Creates {@code file}, which must not exist, 0600 (never readable by others, not even briefly)
   * with {@code content}, and syncs it. For files inside a private work directory that are renamed
   * into place afterwards with {@link #moveIntoPlace}.
   */
  public static void createPrivate(Path file, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PRIVATE))) {
      writeFully(ch, content);
      ch.force(true);
    }
    Files.setPosixFilePermissions(file, PRIVATE); // whatever the umask was
  }

  /** Flushes a file's content to disk. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Renames {@code from} over {@code to} in one atomic step (same filesystem). */
  public static void moveIntoPlace(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Syncs a directory after renames in it; best effort where a platform cannot. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can fsync a directory; the rename itself is still atomic
    }
  }

  /**
   * Writes every file (0600) into a new private sibling directory of {@code out}, then moves it
   * into place with one rename; an existing {@code out} is swapped out only with {@code replace}.
   * A failure leaves the previous state untouched.
   *
   * @throws ConflictException when {@code out} exists and {@code replace} is false
   */
  public static void writeDirectory(Path out, Map<String, byte[]> files, boolean replace) {
    Path abs = out.toAbsolutePath();
    if (Files.exists(abs) && !replace) {
      throw new ConflictException(out + " already exists");
    }
    Path tmp = null;
    Path old = null;
    try {
      tmp = privateTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        createPrivate(tmp.resolve(f.getKey()), f.getValue());
      }
      if (Files.exists(abs)) {
        old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
        moveIntoPlace(abs, old);
      }
      moveIntoPlace(tmp, abs);
      tmp = null;
      syncDirectory(abs.getParent());
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException e) {
      if (old != null && !Files.exists(abs)) {
        try {
          moveIntoPlace(old, abs);
        } catch (IOException ignored) {
          // the previous output stays at the .old path; the message names the failure
        }
      }
      throw new UnavailableException("cannot write " + out + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        deleteTree(tmp);
      }
    }
  }

  /** Deletes a file or a directory tree, best effort: what cannot be removed stays. */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(SecureFiles::deleteQuietly);
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort: leftovers are private and their names start with a dot
    }
  }

  /** Deletes one file if it exists, best effort. */
  public static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  /** Hex SHA-256 of a file's content. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = newSha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** A SHA-256 digest (every JDK has one). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static void writeFully(FileChannel ch, byte[] content) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(content);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
