package nettboot.redfish.sim;

/** A refusal the simulated BMC answers in the Redfish error format. */
final class SimError extends RuntimeException {
  final int status;
  final String messageId;
  final String[] args;

  SimError(int status, String messageId, String message, String... args) {
    super(message, null, false, false);
    this.status = status;
    this.messageId = messageId;
    this.args = args;
  }
}
