package nettboot.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;

/**
 * Reads just the {@code nodes[].name} and {@code nodes[].bmc} blocks of a nodes file (the rest of
 * each node is ignored), resolving credentials from files or environment variables and the pinned
 * certificate from a PEM file. Every problem is reported at once, each as
 * {@code file:line: node NAME: bmc.FIELD: reason}, before any BMC is contacted.
 *
 * <pre>
 * nodes:
 *   - name: node-1
 *     bmc:
 *       url: https://[fd00::10]
 *       user: admin                 # or userFile: / userEnv:
 *       passwordFile: node-1.pw     # or passwordEnv: (never an inline password)
 *       certificate: node-1-bmc.pem # the BMC's certificate or its CA (PEM); or insecure: true
 *       mediaUrl: https://…/x.iso   # optional; default MEDIA_URL_BASE/NAME.iso
 * </pre>
 * Relative paths are resolved against the nodes file's directory.
 */
final class BmcNodesFile {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Set<String> BMC_FIELDS = Set.of("url", "user", "userFile", "userEnv", "passwordFile",
      "passwordEnv", "password", "certificate", "insecure", "mediaUrl");

  /** One node with a BMC; {@code mediaUrl} null means the default under the media URL base. */
  record Entry(String name, BmcTarget target, String mediaUrl) {}

  private final Path file;
  private final Function<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private BmcNodesFile(Path file, Function<String, String> env) {
    this.file = file;
    this.env = env;
  }

  static List<Entry> read(Path file) {
    return read(file, System::getenv);
  }

  static List<Entry> read(Path file, Function<String, String> env) {
    return new BmcNodesFile(file, env).parse();
  }

  private List<Entry> parse() {
    YamlTree.Node root = YamlTree.read(file);
    Map<String, YamlTree.Node> top = root.map();
    YamlTree.Node nodes = top == null ? null : top.get("nodes");
    if (nodes == null || nodes.list() == null) {
      throw new InvalidInputException(file + ":" + root.line(), "nodes: missing; expected a list of nodes");
    }
    List<Entry> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < nodes.list().size(); i++) {
      YamlTree.Node n = nodes.list().get(i);
      if (n.map() == null) {
        problem(n.line(), "nodes[" + i + "]", "expected a mapping with name and bmc");
        continue;
      }
      YamlTree.Node nameNode = n.map().get("name");
      String name = nameNode == null ? null : nameNode.text();
      String who = "node " + (name == null ? "nodes[" + i + "]" : name);
      if (name == null || !NAME.matcher(name).matches()) {
        problem(nameNode == null ? n.line() : nameNode.line(), who + ": name",
            "missing or invalid; letters, digits, '.', '_', '-' (at most 63)");
        continue;
      }
      if (!names.add(name)) {
        problem(nameNode.line(), who + ": name", "duplicate node name");
        continue;
      }
      YamlTree.Node bmc = n.map().get("bmc");
      if (bmc == null) {
        continue; // no BMC: not provisioned over Redfish
      }
      Entry e = entry(name, who, bmc);
      if (e != null) {
        out.add(e);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(null, problems.size() == 1 ? problems.get(0)
          : problems.size() + " problems: " + String.join("; ", problems));
    }
    return out;
  }

  private Entry entry(String name, String who, YamlTree.Node bmc) {
    Map<String, YamlTree.Node> m = bmc.map();
    if (m == null) {
      problem(bmc.line(), who + ": bmc", "expected a mapping with url, credentials and certificate");
      return null;
    }
    int before = problems.size();
    for (Map.Entry<String, YamlTree.Node> f : m.entrySet()) {
      if (!BMC_FIELDS.contains(f.getKey())) {
        problem(f.getValue().line(), who + ": bmc." + f.getKey(), "unknown field; expected one of " + BMC_FIELDS);
      }
    }
    if (m.containsKey("password")) {
      problem(m.get("password").line(), who + ": bmc.password",
          "inline passwords are not accepted; use passwordFile or passwordEnv");
    }
    URI url = null;
    YamlTree.Node u = m.get("url");
    try {
      url = BmcTarget.requireBmcUrl("url", u == null ? null : u.text());
    } catch (InvalidInputException e) {
      problem(u == null ? bmc.line() : u.line(), who + ": bmc.url", stripField(e));
    }
    String user = secret(m, bmc, who, "user", "userFile", "userEnv", true);
    String password = secret(m, bmc, who, null, "passwordFile", "passwordEnv", false);
    BmcTrust trust = trust(m, bmc, who, url);
    String media = null;
    YamlTree.Node mu = m.get("mediaUrl");
    if (mu != null) {
      media = mu.text();
      if (media == null || !(media.startsWith("https://") || media.startsWith("http://"))) {
        problem(mu.line(), who + ": bmc.mediaUrl", "expected an http(s):// URL");
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return new Entry(name, new BmcTarget(name, url, new BmcCredentials(user, password), trust), media);
    } catch (InvalidInputException e) {
      problem(u.line(), who + ": bmc.url", stripField(e));
      return null;
    }
  }

  /** Exactly one of the inline, file and environment forms; never logs the value. */
  private String secret(Map<String, YamlTree.Node> m, YamlTree.Node bmc, String who, String inline, String fileKey,
      String envKey, boolean isUser) {
    List<String> given = new ArrayList<>();
    for (String k : new String[] {inline, fileKey, envKey}) {
      if (k != null && m.containsKey(k)) {
        given.add(k);
      }
    }
    String what = isUser ? "user" : "password";
    if (given.size() != 1) {
      String options = (inline == null ? "" : inline + ", ") + fileKey + " or " + envKey;
      problem(bmc.line(), who + ": bmc." + (isUser ? "user" : "passwordFile"), (given.isEmpty() ? "missing " + what
          : "several " + what + " sources " + given) + "; give exactly one of " + options);
      return null;
    }
    String key = given.get(0);
    YamlTree.Node n = m.get(key);
    String v = n.text();
    if (v == null || v.isBlank()) {
      problem(n.line(), who + ": bmc." + key, "empty");
      return null;
    }
    if (key.equals(inline)) {
      return v;
    }
    if (key.equals(envKey)) {
      String value = env.apply(v);
      if (value == null || value.isEmpty()) {
        problem(n.line(), who + ": bmc." + key, "environment variable " + v + " is not set");
        return null;
      }
      return value;
    }
    Path p = file.toAbsolutePath().getParent().resolve(v);
    try {
      String s = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        problem(n.line(), who + ": bmc." + key, p + " is empty");
        return null;
      }
      return s;
    } catch (IOException e) {
      problem(n.line(), who + ": bmc." + key, "cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }

  private BmcTrust trust(Map<String, YamlTree.Node> m, YamlTree.Node bmc, String who, URI url) {
    YamlTree.Node cert = m.get("certificate");
    YamlTree.Node insecure = m.get("insecure");
    boolean isInsecure = insecure != null && "true".equals(insecure.text());
    if (insecure != null && !isInsecure && !"false".equals(insecure.text())) {
      problem(insecure.line(), who + ": bmc.insecure", "expected true or false");
      return null;
    }
    if (cert != null && isInsecure) {
      problem(insecure.line(), who + ": bmc.insecure", "give either certificate or insecure: true, not both");
      return null;
    }
    if (isInsecure) {
      return new BmcTrust.Insecure();
    }
    if (cert == null || cert.text() == null) {
      problem(bmc.line(), who + ": bmc.certificate", "missing; pin the BMC's certificate or CA (PEM file), "
          + "or set insecure: true explicitly");
      return null;
    }
    if (url != null && "http".equals(url.getScheme())) {
      problem(cert.line(), who + ": bmc.url", "http:// cannot be pinned; use https:// or insecure: true");
      return null;
    }
    Path p = file.toAbsolutePath().getParent().resolve(cert.text());
    try {
      return new BmcTrust.Pinned(Pem.readCertificates(p), p.toString());
    } catch (InvalidInputException e) {
      problem(cert.line(), who + ": bmc.certificate", e.getMessage());
      return null;
    }
  }

  private void problem(int line, String where, String what) {
    problems.add(file + ":" + line + ": " + where + ": " + what);
  }

  private static String stripField(InvalidInputException e) {
    String m = e.getMessage();
    return e.field() != null && m.startsWith(e.field() + ": ") ? m.substring(e.field().length() + 2) : m;
  }
}
