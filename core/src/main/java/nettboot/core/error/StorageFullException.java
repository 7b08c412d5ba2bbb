package nettboot.core.error;

import java.util.Locale;

/**
 * The server's own disk is full (ENOSPC, or a quota): the request was fine and nothing was stored;
 * retrying after space is freed succeeds. Not the client's fault, so never an invalid-input error.
 */
public final class StorageFullException extends NettBootException {
  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether {@code t} or one of its causes is a "no space left on device" or "disk quota
   * exceeded" failure (how the JDK and Vert.x report ENOSPC and EDQUOT: in the message text).
   */
  public static boolean isDiskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof StorageFullException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null) {
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")) {
          return true;
        }
      }
    }
    return false;
  }
}
