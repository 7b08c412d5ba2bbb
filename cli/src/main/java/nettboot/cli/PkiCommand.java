package nettboot.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.IssuedCredential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The embedded lab certificate authority (ECDSA P-256 throughout). */
@Command(name = "pki", mixinStandardHelpOptions = true,
    description = {"Create the platform CA and issue server, tenant and admin certificates.",
        "Private keys are written with mode 0600 and never printed. A tenant key is a bearer",
        "credential: whoever holds the tenant boot medium can ask for that tenant's boot scripts."},
    subcommands = {PkiCommand.Init.class, PkiCommand.Tenant.class, PkiCommand.Admin.class,
        PkiRevokeCommand.class, PkiCrlCommand.class})
final class PkiCommand {

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Create DIR/root-ca.crt, DIR/root-ca.key, DIR/server.crt (full chain including",
          "the root, as iPXE needs it) and DIR/server.key. Refuses to overwrite an existing CA."})
  static final class Init implements Runnable {
    @Option(names = "--dir", required = true, description = "PKI directory (created if missing)")
    Path dir;

    @Option(names = "--boot-domain", required = true,
        description = "Tenant certificates are CN=<tenant>.<boot-domain>")
    String bootDomain;

    @Option(names = "--server-address", required = true, arity = "1..*",
        description = "Address(es) the metadata server is reached at (IPv6/IPv4 literal or DNS "
            + "name); repeat the option for several. Becomes the server certificate's SANs.")
    List<String> serverAddresses;

    @Override
    public void run() {
      EmbeddedCa ca = EmbeddedCa.init(dir, bootDomain, serverAddresses, Clock.systemUTC());
      System.out.println("created platform CA in " + ca.dir());
      System.out.println("  root CA      " + ca.rootCertPath() + " (sha256 " + ca.rootFingerprint() + ")");
      System.out.println("  server cert  " + ca.serverCertPath() + " for " + String.join(", ", ca.serverAddresses()));
      System.out.println("  keys         " + ca.rootKeyPath() + ", " + ca.serverKeyPath() + " (mode 0600)");
    }
  }

  @Command(name = "tenant", mixinStandardHelpOptions = true,
      description = "Issue a tenant client certificate: DIR/tenants/NAME.crt and DIR/tenants/NAME.key.")
  static final class Tenant implements Runnable {
    @Option(names = "--dir", required = true, description = "PKI directory made by 'pki init'")
    Path dir;

    @Option(names = "--tenant", required = true, description = "Tenant name (a DNS label)")
    String tenant;

    @Option(names = "--force", description = "Re-issue when the tenant already has a certificate")
    boolean force;

    @Override
    public void run() {
      IssuedCredential c = EmbeddedCa.load(dir).issueTenant(tenant, force);
      System.out.println("issued tenant certificate " + c.certificatePath() + " ("
          + c.certificate().getSubjectX500Principal().getName() + "), key " + c.keyPath());
    }
  }

  @Command(name = "admin", mixinStandardHelpOptions = true,
      description = "Issue an admin/service client certificate for the admin API: DIR/admins/NAME.crt and .key.")
  static final class Admin implements Runnable {
    @Option(names = "--dir", required = true, description = "PKI directory made by 'pki init'")
    Path dir;

    @Option(names = "--name", required = true, description = "Admin or service name (e.g. maskin)")
    String name;

    @Option(names = "--force", description = "Re-issue when the name already has a certificate")
    boolean force;

    @Override
    public void run() {
      IssuedCredential c = EmbeddedCa.load(dir).issueAdmin(name, force);
      System.out.println("issued admin certificate " + c.certificatePath() + " ("
          + c.certificate().getSubjectX500Principal().getName() + "), key " + c.keyPath());
    }
  }
}
