package nettboot.core.error;

/**
 * Base of every domain error. Each subclass is a sentinel kind; the edge maps the kind to an HTTP
 * status and the CLI to an exit code. Messages are one line, safe to show to a client, and never
 * contain secrets.
 */
public abstract sealed class NettBootException extends RuntimeException
    permits InvalidInputException, NotFoundException, ConflictException, IllegalTransitionException,
        ForbiddenException, TooLargeException, UnavailableException, StorageFullException {

  protected NettBootException(String message) {
    super(message, null, false, false);
  }

  protected NettBootException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
