package nettboot.core.talos;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.pki.Addresses;
import nettboot.core.talos.LocatedYaml.Scalar;
import nettboot.core.talos.LocatedYaml.Seq;

/**
 * Typed accessors over a {@link LocatedYaml} document that record a {@link Problem} (with the
 * file, line, column, node and field) instead of throwing, so a reader can report every problem of
 * a file at once. A checker {@link #about(String) about a node} shares the problem list and names
 * that node in each problem.
 */
final class YamlChecker {
  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,14}");
  private static final Pattern ROUTER_ID = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** One problem in the file. {@code node} is null outside the {@code nodes} list. */
  record Problem(String source, int line, int column, String node, String field, String message) {
    @Override
    public String toString() {
      return source + ":" + line + ":" + column + ": " + (node == null ? "" : "node " + node + ": ")
          + (field == null ? "" : field + ": ") + message;
    }
  }

  final String source;
  private final List<Problem> problems;
  private final String node;

  YamlChecker(String source) {
    this(source, new ArrayList<>(), null);
  }

  private YamlChecker(String source, List<Problem> problems, String node) {
    this.source = source;
    this.problems = problems;
    this.node = node;
  }

  /** A checker whose problems name {@code node}; it adds to the same list. */
  YamlChecker about(String node) {
    return new YamlChecker(source, problems, node);
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** A problem at a location the parser reported (syntax errors, empty input). */
  void problemAt(int line, int column, String message) {
    problems.add(new Problem(source, line, column, node, null, message));
  }

  InvalidInputException failure() {
    List<String> lines = problems.stream()
        .sorted((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line())
            : Integer.compare(a.column(), b.column()))
        .map(Problem::toString).toList();
    return new InvalidInputException(source, problems.size() == 1 ? "1 problem: " + lines.get(0)
        : problems.size() + " problems (listed below)", problems.size() == 1 ? List.of() : lines);
  }

  void problem(LocatedYaml at, String field, String message) {
    problems.add(new Problem(source, at == null ? 0 : at.line(), at == null ? 0 : at.column(),
        node, field, message));
  }

  /** The problem count so far: a reader compares it before and after a block. */
  int problemCount() {
    return problems.size();
  }

  /** Runs a validation that throws InvalidInputException; records its message instead. */
  <T> T check(LocatedYaml at, String field, Supplier<T> f) {
    try {
      return f.get();
    } catch (InvalidInputException e) {
      String m = e.getMessage();
      if (e.field() != null && m.startsWith(e.field() + ": ")) {
        m = m.substring(e.field().length() + 2);
      }
      problem(at, field, m);
      return null;
    }
  }

  LocatedYaml.Map map(LocatedYaml v, String field, Set<String> allowed) {
    if (!(v instanceof LocatedYaml.Map m)) {
      problem(v, field, "expected a mapping, got " + v.kind());
      return null;
    }
    for (Scalar dup : m.duplicateKeys()) {
      problem(dup, field + "." + dup.text(), "duplicate key");
    }
    for (Map.Entry<String, Scalar> k : m.keys().entrySet()) {
      if (!allowed.contains(k.getKey())) {
        problem(k.getValue(), field + "." + k.getKey(), "unknown field; expected one of "
            + allowed.stream().sorted().toList());
      }
    }
    return m;
  }

  List<LocatedYaml> seq(LocatedYaml.Map m, String key, String field, boolean required) {
    LocatedYaml v = m.entries().get(key);
    if (v == null || v instanceof LocatedYaml.Null) {
      if (required) {
        problem(v == null ? m : v, field, "missing; expected a list");
      }
      return List.of();
    }
    if (!(v instanceof Seq s)) {
      problem(v, field, "expected a list, got " + v.kind());
      return List.of();
    }
    return s.items();
  }

  /** A scalar's text, or null (with a problem when required). */
  Scalar scalar(LocatedYaml.Map m, String key, String field, boolean required) {
    LocatedYaml v = m.entries().get(key);
    if (v == null || v instanceof LocatedYaml.Null) {
      if (required) {
        problem(v == null ? m : v, field, "missing");
      }
      return null;
    }
    if (!(v instanceof Scalar s)) {
      problem(v, field, "expected a single value, got " + v.kind());
      return null;
    }
    if (s.text().isBlank()) {
      problem(v, field, "empty");
      return null;
    }
    return s;
  }

  /** The scalar's text when it matches {@code shape}; otherwise a problem saying it is not {@code what}. */
  String matching(Scalar s, String field, Pattern shape, String what) {
    if (s == null) {
      return null;
    }
    if (!shape.matcher(s.text()).matches()) {
      problem(s, field, "\"" + s.text() + "\" is not " + what);
      return null;
    }
    return s.text();
  }

  Scalar scalarItem(LocatedYaml v, String field) {
    if (!(v instanceof Scalar s) || s.text().isBlank()) {
      problem(v, field, "expected a single value, got " + v.kind());
      return null;
    }
    return s;
  }

  Ipv6Prefix prefix(Scalar s, String field, Integer requiredLength) {
    if (s == null) {
      return null;
    }
    Ipv6Prefix p = check(s, field, () -> Ipv6Prefix.parse(field, s.text()));
    if (p != null && requiredLength != null && p.length() != requiredLength) {
      problem(s, field, p + " is a /" + p.length() + "; a /" + requiredLength + " is required here");
      return null;
    }
    if (p != null && p.isSpecialPurpose()) {
      problem(s, field, p + " is link-local, multicast, loopback or IPv4-mapped; a routable prefix is required");
      return null;
    }
    return p;
  }

  String ipv6(Scalar s, String field) {
    if (s == null) {
      return null;
    }
    byte[] b = check(s, field, () -> Addresses.requireIpv6(field, s.text()));
    return b == null ? null : Addresses.canonical(b);
  }

  long number(Scalar s, String field, long min, long max, long dflt) {
    if (s == null) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s.text());
      if (v < min || v > max) {
        problem(s, field, s.text() + " is outside " + min + "-" + max);
        return dflt;
      }
      return v;
    } catch (NumberFormatException e) {
      problem(s, field, "\"" + s.text() + "\" is not a whole number");
      return dflt;
    }
  }

  /** An https URL whose host is a bracketed IPv6 literal or a DNS name, never IPv4. */
  String httpsUrl(Scalar s, String field) {
    if (s == null) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(s.text());
    } catch (URISyntaxException e) {
      problem(s, field, "not a URL: \"" + s.text() + "\"");
      return null;
    }
    if (!"https".equals(uri.getScheme()) || uri.getRawAuthority() == null) {
      problem(s, field, "expected an https:// URL, got \"" + s.text() + "\"");
      return null;
    }
    String authority = uri.getRawAuthority();
    String host;
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      if (end < 0) {
        problem(s, field, "unterminated [IPv6] host in \"" + s.text() + "\"");
        return null;
      }
      host = authority.substring(1, end);
      if (ipv6(new Scalar(host, s.line(), s.column()), field) == null) {
        return null;
      }
    } else {
      host = authority.replaceFirst(":\\d+$", "");
      if (Addresses.ipLiteral(host).isPresent()) {
        problem(s, field, "\"" + host + "\" is an IPv4 address; this fabric is IPv6-only "
            + "(write the host as a DNS name or as [IPv6])");
        return null;
      }
      if (check(s, field, () -> Addresses.requireDomain(field, host)) == null) {
        return null;
      }
    }
    return s.text();
  }

  /** A BGP router id: a 32-bit identifier in dotted form (an id for FRR, not an address). */
  String routerId(Scalar s, String field) {
    if (s == null) {
      return null;
    }
    var mt = ROUTER_ID.matcher(s.text());
    if (!mt.matches() || s.text().equals("0.0.0.0")) {
      problem(s, field, "\"" + s.text() + "\" is not a 32-bit router id in dotted form (e.g. 0.0.253.233)");
      return null;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(mt.group(i)) > 255) {
        problem(s, field, "\"" + s.text() + "\" is not a 32-bit router id in dotted form");
        return null;
      }
    }
    return s.text();
  }

  String iface(Scalar s, String field) {
    if (s == null) {
      return null;
    }
    if (!IFACE.matcher(s.text()).matches()) {
      problem(s, field, "\"" + s.text() + "\" is not a Linux interface name (1-15 of A-Z a-z 0-9 . _ -)");
      return null;
    }
    return s.text();
  }
}
