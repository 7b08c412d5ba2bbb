package nettboot.core.media;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** One-line descriptions of file-system failures for the media builder's messages. */
final class MediaFiles {
  private MediaFiles() {}

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + " (" + fse.getFile() + ")";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
