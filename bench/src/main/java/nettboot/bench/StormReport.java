package nettboot.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code bench storm} prints on stdout: a table of the measured phases, notes per scenario
 * and server, then one line per scenario ({@code storm X: edge=… nginx=… ratio=… p99_ms=…/…
 * errors=…/…}) from its headline phase, the median over the runs.
 */
final class StormReport {
  /** One measured phase. */
  record Row(String scenario, String phase, String server, StormLoad.Result r, String unit,
      double rate, double cpu, long rss) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  Row add(Row row) {
    rows.add(row);
    return row;
  }

  /** A note on a scenario for a server; several runs' notes are joined. */
  void note(String scenario, String server, String text) {
    notes.merge(scenario + ":" + server, text, (a, b) -> a + "; " + b);
  }

  /** Prints the table, the notes and one line per scenario (edge, and nginx when it ran too). */
  void print(PrintStream out, Set<String> which, boolean withNginx) {
    out.println();
    out.printf("%-3s %-22s %-6s %8s %-28s %10s %-5s %9s %9s %9s %9s %7s %10s %8s%n", "sc", "phase", "server",
        "ok", "errors", "rate", "unit", "p50_ms", "p99_ms", "p99.9_ms", "max_ms", "cpu_s", "cpu_ms/op", "rss_MiB");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-3s %-22s %-6s %8d %-28s %10.1f %-5s %9.1f %9.1f %9.1f %9.1f %7.1f %10.2f %8s%n",
          r.scenario(), r.phase(), r.server(), r.r().ok.sum(), r.r().errorText(), r.rate(), r.unit(),
          r.r().pctMs(50), r.r().pctMs(99), r.r().pctMs(99.9), r.r().maxMs(), r.cpu(),
          r.cpu() * 1000 / Math.max(1, r.r().ok.sum()),
          r.rss() == 0 ? "-" : Long.toString(r.rss() >> 20));
    }
    out.println();
    out.println("rates: a, c, e boot decisions/s; b, d MB/s. cpu_s, cpu_ms/op and rss_MiB: the server's"
        + " processes (/proc), op = decision, download or Range read");
    notes.forEach((k, v) -> out.println("note " + k.substring(0, 1) + " " + v));
    for (String sc : which) {
      Row e = headline(sc, "edge");
      Row n = withNginx ? headline(sc, "nginx") : null;
      out.printf(Locale.ROOT, "storm %s: edge=%.1f nginx=%s ratio=%s p99_ms=%.1f/%s errors=%d/%s%n", sc,
          e.rate(), n == null ? "-" : String.format(Locale.ROOT, "%.1f", n.rate()),
          n == null ? "-" : String.format(Locale.ROOT, "%.2f", e.rate() / Math.max(1e-9, n.rate())),
          e.r().pctMs(99), n == null ? "-" : String.format(Locale.ROOT, "%.1f", n.r().pctMs(99)),
          e.r().errorCount(), n == null ? "-" : Long.toString(n.r().errorCount()));
    }
    out.flush();
  }

  /** The scenario's headline row for a server: the loaded phase, median rate over the runs. */
  private Row headline(String sc, String server) {
    List<Row> candidates = new ArrayList<>();
    for (Row r : rows) {
      boolean headlinePhase = switch (sc) {
        case "c" -> !r.phase().equals("unloaded");
        case "e" -> !r.phase().equals("no bad clients");
        default -> true;
      };
      if (r.scenario().equals(sc) && r.server().equals(server) && headlinePhase) {
        candidates.add(r);
      }
    }
    candidates.sort(Comparator.comparingDouble(Row::rate));
    return candidates.get((candidates.size() - 1) / 2);
  }
}
