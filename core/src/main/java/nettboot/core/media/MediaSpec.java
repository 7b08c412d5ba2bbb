package nettboot.core.media;

import java.nio.file.Path;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.Names;
import nettboot.core.pki.Addresses;

/**
 * What a tenant medium is built from.
 *
 * @param tenant the tenant whose client certificate the medium carries
 * @param metadataServer the metadata server's IPv6 literal, without brackets; kept in RFC 5952 form
 * @param port the boot listener's port (443 by default)
 * @param arch the UEFI architecture of the iPXE binary
 * @param ipxeEfi an iPXE &ge; 2.0 EFI binary built without an embedded trust list
 */
public record MediaSpec(String tenant, String metadataServer, int port, Arch arch, Path ipxeEfi) {
  public static final int DEFAULT_PORT = 443;

  /** Validates every field; the address must be an IPv6 literal (no brackets, no zone). */
  public MediaSpec {
    Names.requireTenant("tenant", tenant);
    if (metadataServer == null || metadataServer.isEmpty()) {
      throw new InvalidInputException("metadataServer", "missing; expected an IPv6 address such as 2001:db8::53");
    }
    if (metadataServer.startsWith("[")) {
      throw new InvalidInputException("metadataServer", "write the IPv6 address without brackets: "
          + metadataServer);
    }
    metadataServer = Addresses.canonical(Addresses.requireIpv6("metadataServer", metadataServer));
    if (port < 1 || port > 65535) {
      throw new InvalidInputException("port", "must be 1-65535, was " + port);
    }
    if (arch == null) {
      throw new InvalidInputException("arch", "missing; expected x86_64 or arm64");
    }
    if (ipxeEfi == null) {
      throw new InvalidInputException("ipxeEfi", "missing; expected the path of an iPXE EFI binary");
    }
  }

  /** A spec on the default port 443. */
  public MediaSpec(String tenant, String metadataServer, Arch arch, Path ipxeEfi) {
    this(tenant, metadataServer, DEFAULT_PORT, arch, ipxeEfi);
  }
}
