package nettboot.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How the CLI reaches the admin API: URL and the admin client certificate. */
public final class AdminOptions {
  @Option(names = "--admin-url", defaultValue = "${env:NETTBOOT_ADMIN_URL:-https://[::1]:9443}",
      description = "Admin API URL (default: $NETTBOOT_ADMIN_URL or ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--pki", defaultValue = "${env:NETTBOOT_PKI:-lab/pki}",
      description = "PKI directory holding root-ca.crt and admins/NAME.crt|key (default: $NETTBOOT_PKI or ${DEFAULT-VALUE})")
  Path pki;

  @Option(names = "--admin", defaultValue = "${env:NETTBOOT_ADMIN:-operator}",
      description = "Admin certificate name under PKI/admins (default: $NETTBOOT_ADMIN or ${DEFAULT-VALUE})")
  String admin;

  @Option(names = "--cert", description = "Admin client certificate (overrides --pki/--admin)")
  Path cert;

  @Option(names = "--key", description = "Admin client key (overrides --pki/--admin)")
  Path key;

  @Option(names = "--ca", description = "Platform root CA (overrides PKI/root-ca.crt)")
  Path ca;

  /** The PKI directory (root-ca.crt, admins/, tenants/). */
  public Path pki() {
    return pki;
  }

  public AdminClient connect() {
    Path c = cert != null ? cert : pki.resolve("admins").resolve(admin + ".crt");
    Path k = key != null ? key : pki.resolve("admins").resolve(admin + ".key");
    Path r = ca != null ? ca : pki.resolve("root-ca.crt");
    return new AdminClient(url, r, c, k);
  }
}
