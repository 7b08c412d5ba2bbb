package nettboot.core.error;

/** An input larger than the configured limit. */
public final class TooLargeException extends NettBootException {
  public TooLargeException(String message) {
    super(message);
  }
}
