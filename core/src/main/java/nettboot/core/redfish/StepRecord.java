package nettboot.core.redfish;

/**
 * One exchange with the BMC (or one decision) in a report.
 *
 * @param step the flow step ({@code login}, {@code insert}, ...)
 * @param request method and path (and a body summary without secrets), or a decision's subject
 * @param status HTTP status, or 0 when no response arrived
 * @param bmcSaid what the BMC answered (its error message, or the value that mattered), one line
 * @param note the fallback, quirk or retry that applied, or empty
 * @param exchange the request and response as sent and received; null for a decision
 */
public record StepRecord(String step, String request, int status, String bmcSaid, String note, Exchange exchange) {
  public StepRecord {
    bmcSaid = OneLine.of(bmcSaid);
    note = OneLine.of(note);
  }

  public StepRecord(String step, String request, int status, String bmcSaid, String note) {
    this(step, request, status, bmcSaid, note, null);
  }

  /**
   * One HTTP exchange.
   *
   * @param method GET, PATCH, POST, DELETE
   * @param path the path as sent (with the BMC's prefix)
   * @param ifMatch the If-Match header sent, or null
   * @param body the JSON body sent (passwords redacted), or null
   * @param etag the ETag of the response (header, else {@code @odata.etag}), or null
   * @param location the Location header of the response, or null
   */
  public record Exchange(String method, String path, String ifMatch, String body, String etag, String location) {}
}
