package nettboot.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.pki.ClientIdentity;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.pki.Revocation;
import nettboot.core.pki.RevocationLedger;
import nettboot.core.pki.RevocationReason;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pki revoke}: records revocations in the PKI directory and, with --push, on the servers. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = {"Revoke client certificates: one certificate file, one serial, or every certificate",
        "of a tenant under DIR/tenants. Recorded in DIR/" + RevocationLedger.FILE + " (what 'pki crl' signs);",
        "with --push also sent to the admin API, which refuses them on every replica at once.",
        "Revoking a serial again changes nothing."})
final class PkiRevokeCommand implements Runnable {
  @Option(names = "--dir", required = true, description = "PKI directory made by 'pki init'")
  Path dir;

  static final class Which {
    @Option(names = "--certificate", description = "The certificate file (PEM) to revoke")
    Path cert;

    @Option(names = "--serial", description = "The serial (hex, as openssl x509 -serial prints it)")
    String serial;

    @Option(names = "--tenant", description = "Every certificate of this tenant under DIR/tenants")
    String tenant;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  @Option(names = "--reason", defaultValue = "unspecified",
      description = "Why: one of unspecified, key-compromise (a lost medium), ca-compromise, "
          + "affiliation-changed, superseded, cessation-of-operation, privilege-withdrawn")
  String reason;

  @Option(names = "--push", description = "Also revoke on the servers through the admin API")
  boolean push;

  @Mixin
  AdminOptions admin = new AdminOptions();

  @Override
  public void run() {
    RevocationReason why = RevocationReason.parse(reason);
    EmbeddedCa ca = EmbeddedCa.load(dir);
    List<Revocation> revoked = new ArrayList<>();
    java.time.Instant now = Clock.systemUTC().instant();
    if (which.serial != null) {
      revoked.add(new Revocation(which.serial, "", why, now, "pki"));
    } else {
      for (X509Certificate c : which.cert != null ? List.of(Pem.readCertificates(which.cert).get(0))
          : tenantCertificates(ca, which.tenant)) {
        revoked.add(new Revocation(Revocation.serialOf(c), tenantOf(c, ca.bootDomain()), why, now, "pki"));
      }
    }
    RevocationLedger ledger = RevocationLedger.read(dir);
    for (Revocation r : revoked) {
      boolean added = ledger.add(r);
      System.out.println((added ? "revoked " : "already revoked ") + r.serial()
          + (r.tenant().isEmpty() ? "" : " (tenant " + r.tenant() + ")") + " reason " + r.reason().wireName());
    }
    ledger.write();
    if (push) {
      try (AdminClient client = admin.connect()) {
        for (Revocation r : revoked) {
          JsonObject body = new JsonObject().put("serial", r.serial()).put("reason", r.reason().wireName());
          if (!r.tenant().isEmpty()) {
            body.put("tenant", r.tenant());
          }
          client.post("/v1/admin/revocations", body);
        }
      }
      System.out.println("pushed " + revoked.size() + " revocation(s) to the admin API");
    }
    System.out.println("run 'pki crl --dir " + dir + "' to publish a new CRL");
  }

  private static String tenantOf(X509Certificate c, String bootDomain) {
    return ClientIdentity.of(c, bootDomain) instanceof ClientIdentity.Tenant t ? t.name() : "";
  }

  /** Every certificate file under DIR/tenants whose certificate names {@code tenant}. */
  private static List<X509Certificate> tenantCertificates(EmbeddedCa ca, String tenant) {
    nettboot.core.machine.Names.requireTenant("tenant", tenant);
    Path tenants = ca.dir().resolve(EmbeddedCa.TENANTS);
    List<X509Certificate> out = new ArrayList<>();
    if (Files.isDirectory(tenants)) {
      try (Stream<Path> files = Files.list(tenants)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".crt")).sorted().toList()) {
          X509Certificate c = Pem.readCertificates(p).get(0);
          if (tenant.equals(tenantOf(c, ca.bootDomain()))) {
            out.add(c);
          }
        }
      } catch (IOException e) {
        throw new InvalidInputException(tenants.toString(), "cannot list: " + e.getMessage());
      }
    }
    if (out.isEmpty()) {
      throw new NotFoundException("no certificate of tenant " + tenant + " under " + tenants);
    }
    return out;
  }
}
