package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import nettboot.core.store.SqliteDataDir;
import nettboot.core.store.StoreFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory holds cluster secrets (the WAL holds the Talos join token): after the server
 * has written, the directory is 0700 and the database, its WAL and shared memory and the marker
 * are 0600, whatever the umask; looser modes found at start are corrected with a warning.
 */
class DataFileModesTest {
  static final String MACHINE = "5a5a5a5a-0000-4000-8000-000000000031";

  @Test
  void aLooseDirectoryIsCorrectedAndEveryFileIsPrivate(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      f.profileFor("acme");
      f.enroll("acme", MACHINE, null, "Provisioning");

      assertThat(mode(data)).isEqualTo("rwx------");
      for (String name : new String[] {StoreFactory.SQLITE_FILE, StoreFactory.SQLITE_FILE + "-wal",
          StoreFactory.SQLITE_FILE + "-shm", SqliteDataDir.MARKER}) {
        assertThat(mode(data.resolve(name))).as(name).isEqualTo("rw-------");
      }
      f.awaitLog("data_file_mode_corrected");
      assertThat(f.logs()).contains(data + " was rwxr-xr-x, now rwx------");
    }
  }

  @Test
  void aLooseDatabaseFromAnEarlierVersionIsCorrectedAtStart(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path db = Files.createFile(data.resolve(StoreFactory.SQLITE_FILE)); // an empty database
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
    try (EdgeFixture f = new EdgeFixture(tmp)) {
      f.profileFor("acme");
      assertThat(mode(db)).isEqualTo("rw-------");
      assertThat(mode(data.resolve(StoreFactory.SQLITE_FILE + "-wal"))).isEqualTo("rw-------");
      f.awaitLog(db + " was rw-r--r--, now rw-------");
    }
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
