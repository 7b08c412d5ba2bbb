package nettboot.cli;

import java.io.PrintStream;
import java.util.List;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.StepRecord;

/** Prints Redfish reports: the compatibility report of one BMC, and the per-node result table. */
final class ReportPrinter {
  private ReportPrinter() {}

  static void compatibility(ProvisionReport r, PrintStream out) {
    out.println("Redfish compatibility report for " + r.bmc() + " (mode " + r.mode() + ")");
    out.println();
    out.printf("  %-14s %-6s %s%n", "STEP", "STATUS", "REQUEST / WHAT THE BMC SAID / NOTE");
    for (StepRecord s : r.steps()) {
      out.printf("  %-14s %-6s %s%n", s.step(), s.status() == 0 ? "-" : String.valueOf(s.status()), s.request());
      if (!s.bmcSaid().isEmpty()) {
        out.printf("  %-14s %-6s   bmc: %s%n", "", "", s.bmcSaid());
      }
      if (!s.note().isEmpty()) {
        out.printf("  %-14s %-6s   note: %s%n", "", "", s.note());
      }
    }
    out.println();
    out.println("Fallbacks and quirks used:");
    if (r.quirks().isEmpty()) {
      out.println("  none: the BMC followed the DMTF flow as is");
    }
    for (String q : r.quirks()) {
      out.println("  - " + q);
    }
    out.println();
    out.println("Boot interception: " + (r.interception() == null ? "not determined" : r.interception().describe()));
    out.println("Result: " + r.summary() + " (" + r.elapsed().toMillis() + " ms)");
  }

  static void table(List<ProvisionReport> reports, PrintStream out) {
    int nameW = 4;
    int bmcW = 3;
    for (ProvisionReport r : reports) {
      nameW = Math.max(nameW, r.node().length());
      bmcW = Math.max(bmcW, r.bmc().length());
    }
    String fmt = "%-" + nameW + "s  %-" + bmcW + "s  %-6s  %s%n";
    out.printf(fmt, "NODE", "BMC", "RESULT", "DETAIL");
    for (ProvisionReport r : reports) {
      String detail = r.ok()
          ? (r.interception() == null ? "" : r.interception().target() + " " + r.interception().enabled()
              + (r.interception().permanent() ? "" : " (not permanent: Once only)"))
          : "step " + r.failedStep() + ": " + r.failure();
      out.printf(fmt, r.node(), r.bmc(), r.ok() ? "ok" : "FAILED", detail);
    }
    long failed = reports.stream().filter(r -> !r.ok()).count();
    out.println(reports.size() - failed + " ok, " + failed + " failed");
  }
}
