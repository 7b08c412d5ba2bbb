package nettboot.core.error;

/** The caller is authenticated but its role does not allow the operation. */
public final class ForbiddenException extends NettBootException {
  public ForbiddenException(String message) {
    super(message);
  }
}
