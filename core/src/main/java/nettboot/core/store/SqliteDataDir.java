package nettboot.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;

/**
 * The SQLite data directory's files: the database ({@value StoreFactory#SQLITE_FILE}, its
 * {@code -wal} and {@code -shm}) and the marker {@value #MARKER} that says a database was created
 * here. The database holds cluster secrets (the Talos join token is in the WAL too): the directory
 * is 0700 and every file 0600. A new database file is created 0600 before SQLite opens it, and
 * SQLite gives its WAL and shared-memory files the database file's mode.
 */
public final class SqliteDataDir {
  /** Written once the database exists; a missing database with this present is refused. */
  public static final String MARKER = StoreFactory.SQLITE_FILE + ".created";

  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final List<String> FILES = List.of(StoreFactory.SQLITE_FILE,
      StoreFactory.SQLITE_FILE + "-wal", StoreFactory.SQLITE_FILE + "-shm", MARKER);

  private SqliteDataDir() {}

  /**
   * Makes sure the database file may be opened: it exists, or this directory never held one, or
   * {@code init} asks for a new one. Creates a new file 0600 and then the marker.
   *
   * @throws InvalidInputException (field "dataDir") when the database is missing where one was
   *     created before; the message names the fix
   */
  static void prepare(Path dir, boolean init) {
    Path db = dir.resolve(StoreFactory.SQLITE_FILE);
    Path marker = dir.resolve(MARKER);
    try {
      if (!Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(marker, LinkOption.NOFOLLOW_LINKS) && !init) {
          throw new InvalidInputException("dataDir", db + " is missing, but a database was created"
              + " in " + dir + " before (" + MARKER + "): restore the file, or start with --init"
              + " to create a new, empty database");
        }
        createPrivate(db);
      }
      if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
        createPrivate(marker);
        Files.writeString(marker, "a nett-boot database was created in this directory;"
            + " if " + StoreFactory.SQLITE_FILE + " is missing, the server refuses to start"
            + " without --init\n", StandardOpenOption.SYNC);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true); // the new names are durable before anything is acknowledged
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot prepare the database in " + dir + ": " + e, e);
    }
  }

  private static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: its mode is checked by securePermissions
    }
    Files.setPosixFilePermissions(file, FILE_MODE); // whatever the umask took away or added
  }

  /**
   * Restricts the directory to 0700 and the database files to 0600 where they are looser (only
   * group and other bits are removed). Returns one line per corrected path, for a warning.
   */
  public static List<String> securePermissions(Path dir) {
    List<String> corrected = new ArrayList<>();
    try {
      restrict(dir, DIR_MODE, corrected);
      for (String name : FILES) {
        Path f = dir.resolve(name);
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          restrict(f, FILE_MODE, corrected);
        }
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new UnavailableException("cannot check the modes in " + dir + ": " + e, e);
    }
    return corrected;
  }

  private static void restrict(Path p, Set<PosixFilePermission> allowed, List<String> corrected)
      throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    if (allowed.containsAll(mode)) {
      return;
    }
    Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
    kept.addAll(mode);
    kept.retainAll(allowed);
    Files.setPosixFilePermissions(p, kept);
    corrected.add(p + " was " + PosixFilePermissions.toString(mode) + ", now "
        + PosixFilePermissions.toString(kept));
  }
}
