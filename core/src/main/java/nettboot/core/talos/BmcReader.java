package nettboot.core.talos;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Addresses;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcCredentials;
import nettboot.core.redfish.BmcTarget;
import nettboot.core.redfish.BmcTrust;
import nettboot.core.talos.LocatedYaml.Scalar;

/**
 * Reads a node's {@code bmc:} block: the BMC's base URL, where its user and password come from
 * (a file or an environment variable; an inline user is allowed, an inline password never), how
 * its certificate is trusted (a PEM file of the certificate or its CA, or {@code insecure: true}
 * explicitly), and which of its systems is the node ({@code system}: Id or {@code @odata.id}). {@link #resolve} reads those files and variables, for {@code redfish
 * provision}; relative paths are resolved against the nodes file's directory.
 */
final class BmcReader {
  static final Set<String> FIELDS = Set.of("url", "user", "userFile", "userEnv", "password",
      "passwordFile", "passwordEnv", "certificate", "insecure", "mediaUrl", "system");

  /** Where a credential comes from; {@code at} is the value's location, {@code field} its name. */
  sealed interface Source {
    record Inline(String value) implements Source {}

    record FromFile(Scalar at, String field) implements Source {}

    record FromEnv(Scalar at, String field) implements Source {}
  }

  /**
   * What a block declared; a part with a problem is null and {@code complete} false. Unless
   * {@code insecure}, a complete block has a {@code certificate}.
   */
  record Block(URI url, Scalar urlAt, String urlField, Source user, Source password, Scalar certificate,
      String certificateField, boolean insecure, String mediaUrl, String system, boolean complete) {}

  private final YamlChecker c;

  BmcReader(YamlChecker c) {
    this.c = c;
  }

  /** The block at {@code v} of node field {@code f} ({@code nodes[i]}); null when it is not a mapping. */
  Block read(LocatedYaml v, String f) {
    String field = f + ".bmc";
    LocatedYaml.Map m = c.map(v, field, FIELDS);
    if (m == null) {
      return null;
    }
    int before = c.problemCount();
    if (m.keys().get("password") instanceof Scalar inline) {
      c.problem(inline, field + ".password", "inline passwords are not accepted; use passwordFile or passwordEnv");
    }
    Scalar urlS = c.scalar(m, "url", field + ".url", true);
    URI url = urlS == null ? null : c.check(urlS, field + ".url", () -> BmcTarget.requireBmcUrl(field + ".url", urlS.text()));
    if (url != null && !url.getHost().startsWith("[") && Addresses.ipLiteral(url.getHost()).isPresent()) {
      c.problem(urlS, field + ".url", "\"" + url.getHost() + "\" is an IPv4 address; this fabric is IPv6-only "
          + "(write the host as a DNS name or as [IPv6])");
    }
    Source user = source(m, field, "user", List.of("user", "userFile", "userEnv"), "user");
    Source password = source(m, field, "passwordFile", List.of("passwordFile", "passwordEnv"), "password");
    Scalar certificate = c.scalar(m, "certificate", field + ".certificate", false);
    boolean insecure = insecure(m, field, certificate, url);
    Scalar mediaS = c.scalar(m, "mediaUrl", field + ".mediaUrl", false);
    if (mediaS != null && !(mediaS.text().startsWith("https://") || mediaS.text().startsWith("http://"))) {
      c.problem(mediaS, field + ".mediaUrl", "expected an http(s):// URL");
    }
    Scalar systemS = c.scalar(m, "system", field + ".system", false);
    String system = systemS == null ? null
        : c.check(systemS, field + ".system", () -> BmcTarget.requireSystem(field + ".system", systemS.text()));
    return new Block(url, urlS, field + ".url", user, password, certificate, field + ".certificate", insecure,
        mediaS == null ? null : mediaS.text(), system, c.problemCount() == before);
  }

  /** Exactly one of {@code keys}; {@code missingField} names the problem when none is given. */
  private Source source(LocatedYaml.Map m, String field, String missingField, List<String> keys, String what) {
    List<String> given = new ArrayList<>();
    for (String k : keys) {
      if (m.entries().containsKey(k)) {
        given.add(k);
      }
    }
    String options = String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
    if (given.size() != 1) {
      c.problem(m, field + "." + missingField, (given.isEmpty() ? "missing " + what
          : "several " + what + " sources " + given) + "; give exactly one of " + options);
      return null;
    }
    String key = given.get(0);
    Scalar s = c.scalar(m, key, field + "." + key, true);
    if (s == null) {
      return null;
    }
    return key.endsWith("File") ? new Source.FromFile(s, field + "." + key)
        : key.endsWith("Env") ? new Source.FromEnv(s, field + "." + key)
        : new Source.Inline(s.text());
  }

  private boolean insecure(LocatedYaml.Map m, String field, Scalar certificate, URI url) {
    Scalar insecureS = c.scalar(m, "insecure", field + ".insecure", false);
    boolean insecure = insecureS != null && "true".equals(insecureS.text());
    if (insecureS != null && !insecure && !"false".equals(insecureS.text())) {
      c.problem(insecureS, field + ".insecure", "expected true or false");
    } else if (certificate != null && insecure) {
      c.problem(insecureS, field + ".insecure", "give either certificate or insecure: true, not both");
    } else if (certificate == null && !insecure && !m.entries().containsKey("certificate")) {
      c.problem(m, field + ".certificate", "missing; pin the BMC's certificate or CA (PEM file), "
          + "or set insecure: true explicitly");
    } else if (certificate != null && url != null && "http".equals(url.getScheme())) {
      c.problem(certificate, field + ".url", "http:// cannot be pinned; use https:// or insecure: true");
    }
    return insecure;
  }

  /**
   * The BMC as the Redfish client needs it: credentials read from their files or variables, the
   * pinned certificates from their PEM file. Every source the block names is tried, complete or
   * not, so all problems are reported together. Null after problems; never a secret in them.
   */
  BmcTarget resolve(String node, Block b, Path baseDir, Function<String, String> env) {
    int before = c.problemCount();
    String user = b.user() == null ? null : secret(b.user(), baseDir, env);
    String password = b.password() == null ? null : secret(b.password(), baseDir, env);
    BmcTrust trust = new BmcTrust.Insecure();
    if (!b.insecure() && b.certificate() != null) {
      Path p = baseDir.resolve(b.certificate().text());
      try {
        trust = new BmcTrust.Pinned(Pem.readCertificates(p), p.toString());
      } catch (InvalidInputException e) {
        c.problem(b.certificate(), b.certificateField(), e.getMessage());
      }
    }
    if (c.problemCount() > before || !b.complete()) {
      return null;
    }
    try {
      return new BmcTarget(node, b.url(), new BmcCredentials(user, password), trust, b.system());
    } catch (InvalidInputException e) {
      c.check(b.urlAt(), b.urlField(), () -> {
        throw e;
      });
      return null;
    }
  }

  private String secret(Source source, Path baseDir, Function<String, String> env) {
    return switch (source) {
      case Source.Inline i -> i.value();
      case Source.FromEnv e -> {
        String value = env.apply(e.at().text());
        if (value == null || value.isEmpty()) {
          c.problem(e.at(), e.field(), "environment variable " + e.at().text() + " is not set");
          yield null;
        }
        yield value;
      }
      case Source.FromFile f -> {
        Path p = baseDir.resolve(f.at().text());
        try {
          String s = Files.readString(p, StandardCharsets.UTF_8).strip();
          if (s.isEmpty()) {
            c.problem(f.at(), f.field(), p + " is empty");
            yield null;
          }
          yield s;
        } catch (IOException e) {
          c.problem(f.at(), f.field(), "cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
          yield null;
        }
      }
    };
  }
}
