package nettboot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import nettboot.core.error.InvalidInputException;

/**
 * The {@code --data} directory of {@code serve} and {@code talos gen}: created 0700 when missing
 * (the database in it holds cluster secrets).
 */
final class DataDirectory {
  private DataDirectory() {}

  static Path create(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return dir;
      }
      Files.createDirectories(dir.toAbsolutePath().getParent());
      return Files.createDirectory(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new InvalidInputException("--data", "cannot create " + dir + ": " + e.getMessage());
    }
  }
}
