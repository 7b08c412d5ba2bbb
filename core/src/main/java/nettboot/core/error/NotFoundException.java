package nettboot.core.error;

/** The thing does not exist, or exists but is not visible to the caller (never reveal which). */
public final class NotFoundException extends NettBootException {
  public NotFoundException(String message) {
    super(message);
  }
}
