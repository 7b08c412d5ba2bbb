package nettboot.cli;

import java.io.PrintStream;
import java.util.List;
import nettboot.core.redfish.BmcIdentity;
import nettboot.core.redfish.Capability;
import nettboot.core.redfish.Mode;
import nettboot.core.redfish.ProvisionReport;
import nettboot.core.redfish.ReportJson;
import nettboot.core.redfish.StepRecord;

/** Prints Redfish reports: the compatibility report of one BMC (text or JSON), and the per-node result table. */
final class ReportPrinter {
  private ReportPrinter() {}

  static void json(ProvisionReport r, PrintStream out) {
    out.println(ReportJson.of(r).encodePrettily());
  }

  static void compatibility(ProvisionReport r, PrintStream out) {
    out.println("Redfish compatibility report for " + r.bmc() + " (mode " + r.mode()
        + (r.mode() == Mode.DRY_RUN ? ": dry run, no reset" : "") + ")");
    out.println();
    BmcIdentity id = r.identity();
    out.println("BMC:");
    if (id == null) {
      out.println("  not identified (no answer)");
    } else {
      out.println("  vendor " + v(id.vendor()) + ", product " + v(id.product()) + ", Redfish " + v(id.redfishVersion()));
      out.println("  manager model " + v(id.managerModel()) + ", firmware " + v(id.firmwareVersion()));
      out.println("  systems " + list(id.systems()) + "; managers " + list(id.managers()));
      out.println("  system used " + v(id.system()) + ": UUID " + v(id.systemUuid()) + ", serial "
          + v(id.systemSerial()) + ", model " + v(id.systemModel()));
    }
    out.println();
    out.printf("  %-14s %-6s %s%n", "STEP", "STATUS", "REQUEST / WHAT THE BMC SAID / NOTE");
    for (StepRecord s : r.steps()) {
      out.printf("  %-14s %-6s %s%n", s.step(), s.status() == 0 ? "-" : String.valueOf(s.status()), s.request());
      StepRecord.Exchange e = s.exchange();
      if (e != null && (e.ifMatch() != null || e.etag() != null || e.location() != null)) {
        out.printf("  %-14s %-6s   %s%n", "", "", ((e.ifMatch() == null ? "" : "If-Match " + e.ifMatch() + "  ")
            + (e.etag() == null ? "" : "ETag " + e.etag() + "  ")
            + (e.location() == null ? "" : "Location " + e.location())).strip());
      }
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
    out.println("Capabilities:");
    for (Capability c : r.capabilities()) {
      out.printf("  %-14s %-10s %s%n", c.name(), c.verdict(), c.detail());
    }
    out.println();
    out.println("Boot interception: " + (r.interception() == null ? "not determined" : r.interception().describe()));
    out.println("Result: " + r.summary() + " (" + r.elapsed().toMillis() + " ms)");
  }

  private static String v(String s) {
    return s == null ? "(not given)" : s;
  }

  private static String list(List<String> l) {
    return l.isEmpty() ? "(none listed)" : String.join(", ", l);
  }

  static void table(List<ProvisionReport> reports, PrintStream out) {
    int nameW = 4;
    int bmcW = 3;
    for (ProvisionReport r : reports) {
      nameW = Math.max(nameW, r.node().length());
      bmcW = Math.max(bmcW, r.bmc().length());
    }
    String fmt = "%-" + nameW + "s  %-" + bmcW + "s  %-7s  %s%n";
    out.printf(fmt, "NODE", "BMC", "RESULT", "DETAIL");
    for (ProvisionReport r : reports) {
      String detail = r.ok()
          ? (r.interception() == null ? "" : r.interception().target() + " " + r.interception().enabled()
              + (r.interception().permanent() ? "" : " (not permanent: Once only)"))
          : "step " + r.failedStep() + ": " + r.failure();
      String result = r.ok() ? (r.mode() == Mode.DRY_RUN ? "dry-run" : "ok") : "FAILED";
      out.printf(fmt, r.node(), r.bmc(), result, detail);
      for (String q : r.quirks()) {
        out.printf(fmt, "", "", "", "quirk: " + q);
      }
    }
    long failed = reports.stream().filter(r -> !r.ok()).count();
    boolean dry = reports.stream().anyMatch(r -> r.mode() == Mode.DRY_RUN);
    out.println(reports.size() - failed + " ok, " + failed + " failed" + (dry ? " (dry run: nothing was reset)" : ""));
  }
}
