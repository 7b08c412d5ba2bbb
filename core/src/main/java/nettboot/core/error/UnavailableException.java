package nettboot.core.error;

/** A dependency (store, disk) is not reachable right now; retrying later may succeed. */
public final class UnavailableException extends NettBootException {
  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
