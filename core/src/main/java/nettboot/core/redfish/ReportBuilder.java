package nettboot.core.redfish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects one flow's records. A flow runs its steps strictly one after another. */
final class ReportBuilder {
  private final String node;
  private final String bmc;
  private final Mode mode;
  private final long startNanos = System.nanoTime();
  private final List<StepRecord> steps = new ArrayList<>();
  private final Set<String> quirks = new LinkedHashSet<>();
  private BootInterception interception;
  private String failedStep;
  private String failure;

  ReportBuilder(String node, String bmc, Mode mode) {
    this.node = node;
    this.bmc = bmc;
    this.mode = mode;
  }

  synchronized void record(String step, String request, int status, String bmcSaid, String note) {
    steps.add(new StepRecord(step, request, status, bmcSaid, note));
  }

  synchronized void quirk(String q) {
    quirks.add(q);
  }

  synchronized void interception(BootInterception i) {
    interception = i;
  }

  synchronized BootInterception interception() {
    return interception;
  }

  synchronized void fail(String step, String reason) {
    if (failure == null) {
      failedStep = step;
      failure = OneLine.of(reason);
    }
  }

  synchronized ProvisionReport build() {
    return new ProvisionReport(node, bmc, mode, steps, new ArrayList<>(quirks), failedStep, failure,
        interception, Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
