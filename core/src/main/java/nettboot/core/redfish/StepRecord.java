package nettboot.core.redfish;

/**
 * One exchange with the BMC (or one decision) in a report.
 *
 * @param step the flow step ({@code login}, {@code insert}, ...)
 * @param request method and path (and a body summary without secrets), or a decision's subject
 * @param status HTTP status, or 0 when no response arrived
 * @param bmcSaid what the BMC answered (its error message, or the value that mattered), one line
 * @param note the fallback, quirk or retry that applied, or empty
 */
public record StepRecord(String step, String request, int status, String bmcSaid, String note) {
  public StepRecord {
    bmcSaid = OneLine.of(bmcSaid);
    note = OneLine.of(note);
  }
}
