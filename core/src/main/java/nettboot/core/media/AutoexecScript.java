package nettboot.core.media;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pkcs8;

/**
 * Renders {@code autoexec.ipxe}, the script iPXE runs from the medium it was loaded from: it
 * drops any firmware-injected CA ({@code certfree}), loads the tenant's client certificate and key
 * ({@code set cert}/{@code set privkey}, DER as colon-separated hex), adds the root ({@code
 * certstore file:/ca.pem}, absolute: relative paths resolve against EFI/BOOT), takes an address
 * from the Router Advertisement ({@code ifconf -c ipv6} in a retry loop) and chains {@code
 * https://[server]/v1/boot/<id>}; on any failure it returns to the firmware with {@code exit 1} so
 * the next boot entry (the disk) runs. Built from validated values only, like {@code
 * core/boot/IpxeScript}.
 */
public final class AutoexecScript {
  /** The script's file name at the root of the medium. */
  public static final String FILE = "autoexec.ipxe";
  /** The platform root CA's file name at the root of the medium. */
  public static final String CA_PEM = "ca.pem";
  /** Attempts at an address from a Router Advertisement, {@link #IFCONF_SLEEP_SECONDS} apart. */
  public static final int IFCONF_TRIES = 5;
  public static final int IFCONF_SLEEP_SECONDS = 2;
  /** iPXE's inactivity timeout for the boot request, in milliseconds. */
  public static final int CHAIN_TIMEOUT_MS = 5000;
  /** iPXE's {@code hex} setting type: bytes as colon-separated pairs (plain hex is refused). */
  private static final HexFormat IPXE_HEX = HexFormat.ofDelimiter(":");

  private AutoexecScript() {}

  /**
   * The script for a tenant: pure (no I/O), byte-for-byte reproducible. The
   * private key is written as PKCS#8 DER including its public key (iPXE cannot use an EC key
   * without it).
   *
   * @throws InvalidInputException when the key does not belong to the certificate
   */
  public static String render(MediaSpec spec, X509Certificate tenantCert, PrivateKey tenantKey) {
    return render(spec, tenantCert, tenantKey, "tenantKey");
  }

  static String render(MediaSpec spec, X509Certificate tenantCert, PrivateKey tenantKey, String keySource) {
    Objects.requireNonNull(spec, "spec");
    byte[] certDer;
    try {
      certDer = tenantCert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new InvalidInputException("tenantCert", "cannot be encoded: " + e.getMessage());
    }
    byte[] keyDer = Pkcs8.withPublicKey(tenantKey, tenantCert, keySource);
    String server = spec.metadataServer();
    String authority = "[${server}]" + (spec.port() == MediaSpec.DEFAULT_PORT ? "" : ":" + spec.port());
    String shown = "[" + server + "]" + (spec.port() == MediaSpec.DEFAULT_PORT ? "" : ":" + spec.port());
    String mac = "${net0/mac:hexhyp}";
    StringBuilder s = new StringBuilder();
    s.append("#!ipxe\n");
    s.append("# nett-boot tenant medium for tenant ").append(spec.tenant())
        .append(", metadata server ").append(shown).append('\n');
    s.append("# It holds the tenant's private key: whoever has this medium can boot as the tenant.\n");
    s.append("echo nett-boot: tenant ").append(spec.tenant()).append(" medium, metadata server ")
        .append(shown).append('\n');
    s.append("# trust only what this medium brings: no CA injected by the firmware\n");
    s.append("certfree\n");
    s.append("set cert ").append(IPXE_HEX.formatHex(certDer)).append('\n');
    s.append("set privkey ").append(IPXE_HEX.formatHex(keyDer)).append('\n');
    // Booted from USB, iPXE's own xHCI driver takes the controller over from the firmware and the
    // medium's filesystem is gone by now: then the root must come from the server's chain (the
    // metadata server sends it), so a failure here is reported, not fatal.
    s.append("certstore file:/").append(CA_PEM).append(" || echo nett-boot: ").append(CA_PEM)
        .append(" not readable here; the server must send the root in its chain\n");
    s.append("set server ").append(server).append('\n');
    s.append("# an address from the Router Advertisement only (SLAAC; no DHCP, no IPv4)\n");
    s.append("set tries:int32 0\n");
    s.append(":ifconf\n");
    s.append("inc tries\n");
    s.append("echo nett-boot: IPv6 autoconfiguration, attempt ${tries} of ").append(IFCONF_TRIES).append('\n');
    s.append("ifconf -c ipv6 && goto online ||\n");
    s.append("iseq ${tries} ").append(IFCONF_TRIES).append(" && goto noaddress ||\n");
    s.append("sleep ").append(IFCONF_SLEEP_SECONDS).append('\n');
    s.append("goto ifconf\n");
    s.append(":noaddress\n");
    s.append("echo nett-boot: no IPv6 address after ").append(IFCONF_TRIES)
        .append(" attempts; booting the local disk\n");
    s.append("goto localboot\n");
    s.append(":online\n");
    s.append("# machine id: the SMBIOS UUID, or the MAC when the firmware has no real UUID\n");
    s.append("set id ${uuid}\n");
    s.append("iseq ${id} 00000000-0000-0000-0000-000000000000 && clear id ||\n");
    s.append("iseq ${id} ffffffff-ffff-ffff-ffff-ffffffffffff && clear id ||\n");
    s.append("iseq ${id} FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF && clear id ||\n");
    s.append("isset ${id} || set id ").append(mac).append('\n');
    s.append("echo nett-boot: asking https://").append(shown).append("/v1/boot/${id}\n");
    s.append("chain --timeout ").append(CHAIN_TIMEOUT_MS).append(" https://").append(authority)
        .append("/v1/boot/${id} || goto localboot\n");
    s.append(":localboot\n");
    s.append("echo nett-boot: booting the local disk\n");
    s.append("# status 1, never 0: the firmware then moves on to the next boot entry\n");
    s.append("exit 1\n");
    return s.toString();
  }
}
