package nettboot.core.redfish;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one flow against one BMC: which BMC it was, every exchange, the quirks that
 * applied, a verdict per capability, and either success or the step that failed with a one-line
 * reason.
 */
public record ProvisionReport(String node, String bmc, Mode mode, List<StepRecord> steps,
    List<String> quirks, String failedStep, String failure, BootInterception interception,
    Duration elapsed, BmcIdentity identity, List<Capability> capabilities) {

  public ProvisionReport {
    steps = List.copyOf(steps);
    quirks = List.copyOf(quirks);
    capabilities = List.copyOf(capabilities);
  }

  /** A flow that ended outside its own error handling. */
  static ProvisionReport internal(BmcTarget target, Mode mode, Throwable cause) {
    return new ProvisionReport(target.name(), target.display(), mode, List.of(), List.of(), "internal",
        OneLine.of(String.valueOf(cause)), null, Duration.ZERO, null, List.of());
  }

  public boolean ok() {
    return failure == null;
  }

  /** One line: {@code ok ...} or {@code failed: BMC <url> step <step>: <reason>}. */
  public String summary() {
    if (ok()) {
      return "ok" + (mode == Mode.DRY_RUN ? " (dry run: not reset)" : "")
          + (interception == null ? "" : ": " + interception.target() + " " + interception.enabled()
          + (interception.permanent() ? "" : " (not permanent)"));
    }
    return "failed: BMC " + bmc + " step " + failedStep + ": " + failure;
  }
}
