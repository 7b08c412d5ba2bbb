package nettboot.core.error;

/** A uniqueness or optimistic-concurrency conflict: duplicate UUID/MAC, stale version. */
public final class ConflictException extends NettBootException {
  public ConflictException(String message) {
    super(message);
  }
}
