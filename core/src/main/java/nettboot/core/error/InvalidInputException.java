package nettboot.core.error;

import java.util.List;

/** Input that can never be valid: a malformed id, a bad field, an unknown enum value. */
public final class InvalidInputException extends NettBootException {
  private final String field;
  private final List<String> details;

  public InvalidInputException(String field, String message) {
    this(field, message, List.of());
  }

  /**
   * An input with several problems at once (e.g. a whole file): {@code message} is the one-line
   * summary, {@code details} one line per problem, each naming its place (file:line, field).
   */
  public InvalidInputException(String field, String message, List<String> details) {
    super(field == null ? message : field + ": " + message);
    this.field = field;
    this.details = List.copyOf(details);
  }

  /** The field (or path, or argument) that was wrong, or null when the input as a whole is. */
  public String field() {
    return field;
  }

  /** One line per problem when the input had several; empty otherwise. */
  public List<String> details() {
    return details;
  }
}
