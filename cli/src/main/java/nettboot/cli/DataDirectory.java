package nettboot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import nettboot.core.error.InvalidInputException;

/** The {@code --data} directory of {@code serve} and {@code talos gen}: created when missing. */
final class DataDirectory {
  private DataDirectory() {}

  static Path create(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidInputException("--data", "cannot create " + dir + ": " + e.getMessage());
    }
  }
}
