package nettboot.core.redfish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Collects one flow's records. A flow runs its steps strictly one after another. */
final class ReportBuilder {
  private final String node;
  private final String bmc;
  private final Mode mode;
  private final Consumer<String> progress;
  private final long startNanos = System.nanoTime();
  private final List<StepRecord> steps = new ArrayList<>();
  private final Set<String> quirks = new LinkedHashSet<>();
  private final Map<String, Capability> capabilities = new LinkedHashMap<>();
  private final Map<String, String> facts = new LinkedHashMap<>();
  private List<String> systems = List.of();
  private List<String> managers = List.of();
  private boolean identified;
  private BootInterception interception;
  private String currentStep = "service-root";
  private String failedStep;
  private String failure;

  ReportBuilder(String node, String bmc, Mode mode, Consumer<String> progress) {
    this.node = node;
    this.bmc = bmc;
    this.mode = mode;
    this.progress = progress;
    for (String c : Capability.NAMES) {
      capabilities.put(c, new Capability(c, "unknown", "not reached"));
    }
  }

  ReportBuilder(String node, String bmc, Mode mode) {
    this(node, bmc, mode, s -> { });
  }

  synchronized void record(String step, String request, int status, String bmcSaid, String note) {
    record(step, request, status, bmcSaid, note, null);
  }

  synchronized void record(String step, String request, int status, String bmcSaid, String note,
      StepRecord.Exchange exchange) {
    currentStep = step;
    steps.add(new StepRecord(step, request, status, bmcSaid, note, exchange));
  }

  synchronized void quirk(String q) {
    quirks.add(q);
  }

  synchronized void capability(String name, String verdict, String detail) {
    if (!capabilities.containsKey(name)) {
      throw new IllegalArgumentException(name);
    }
    capabilities.put(name, new Capability(name, verdict, detail));
  }

  synchronized Capability capability(String name) {
    return capabilities.get(name);
  }

  /** A fact about the BMC's identity ({@code vendor}, {@code firmwareVersion}, ...); null values are ignored. */
  synchronized void fact(String key, String value) {
    identified = true;
    if (value != null && !value.isBlank()) {
      facts.put(key, OneLine.of(value));
    }
  }

  synchronized void systems(List<String> s) {
    identified = true;
    systems = List.copyOf(s);
  }

  synchronized void managers(List<String> m) {
    identified = true;
    managers = List.copyOf(m);
  }

  synchronized void interception(BootInterception i) {
    interception = i;
  }

  synchronized BootInterception interception() {
    return interception;
  }

  /** The step the flow is in (the last one recorded, or the one it started). */
  synchronized String currentStep() {
    return currentStep;
  }

  synchronized void step(String s) {
    currentStep = s;
  }

  /** A line for an operator waiting on this node (retries, task monitors, slow answers). */
  void progress(String line) {
    progress.accept(node + ": " + OneLine.of(line));
  }

  synchronized void fail(String step, String reason) {
    if (failure == null) {
      failedStep = step;
      failure = OneLine.of(reason);
    }
  }

  synchronized boolean failed() {
    return failure != null;
  }

  synchronized ProvisionReport build() {
    BmcIdentity identity = !identified ? null : new BmcIdentity(facts.get("vendor"), facts.get("product"),
        facts.get("redfishVersion"), facts.get("managerModel"), facts.get("firmwareVersion"), systems, managers,
        facts.get("system"), facts.get("systemUuid"), facts.get("systemSerial"), facts.get("systemModel"));
    return new ProvisionReport(node, bmc, mode, steps, new ArrayList<>(quirks), failedStep, failure,
        interception, Duration.ofNanos(System.nanoTime() - startNanos), identity,
        new ArrayList<>(capabilities.values()));
  }
}
