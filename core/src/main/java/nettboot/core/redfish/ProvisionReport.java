package nettboot.core.redfish;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one flow against one BMC: every exchange, the quirks that applied, and either
 * success or the step that failed with a one-line reason.
 */
public record ProvisionReport(String node, String bmc, Mode mode, List<StepRecord> steps,
    List<String> quirks, String failedStep, String failure, BootInterception interception,
    Duration elapsed) {

  public ProvisionReport {
    steps = List.copyOf(steps);
    quirks = List.copyOf(quirks);
  }

  public boolean ok() {
    return failure == null;
  }

  /** One line: {@code ok ...} or {@code failed: BMC <url> step <step>: <reason>}. */
  public String summary() {
    if (ok()) {
      return "ok" + (interception == null ? "" : ": " + interception.target() + " " + interception.enabled()
          + (interception.permanent() ? "" : " (not permanent)"));
    }
    return "failed: BMC " + bmc + " step " + failedStep + ": " + failure;
  }
}
