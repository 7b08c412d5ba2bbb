package nettboot.core.error;

/** Input that can never be valid: a malformed id, a bad field, an unknown enum value. */
public final class InvalidInputException extends NettBootException {
  private final String field;

  public InvalidInputException(String field, String message) {
    super(field == null ? message : field + ": " + message);
    this.field = field;
  }

  /** The field (or path, or argument) that was wrong, or null when the input as a whole is. */
  public String field() {
    return field;
  }
}
