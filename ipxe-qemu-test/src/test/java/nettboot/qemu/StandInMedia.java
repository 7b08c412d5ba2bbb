package nettboot.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import nettboot.core.pki.EmbeddedCa;

/**
 * A minimal tenant medium for the harness, following the recipe of DESIGN §2: Debian's iPXE with
 * the platform root's fingerprint in place of iPXE's own, and an autoexec.ipxe carrying the tenant
 * credential and the boot logic. Test support only; production media come from
 * {@code nettboot.core.media.TenantMedia}.
 */
final class StandInMedia {
  /** SHA-256 of the iPXE root CA, present exactly once in an iPXE binary built without TRUST=. */
  static final byte[] IPXE_ROOT_FINGERPRINT =
      HexFormat.of().parseHex("9faf717b7f8ca2f93c256c79f8ac5591895d66d1ff3bee6397a70d29c65eed1a");

  record Media(Path usbImage, Path iso) {}

  private StandInMedia() {}

  static Media build(EmbeddedCa ca, String tenant, String server, Path ipxeEfi, Path outDir)
      throws IOException, java.security.GeneralSecurityException {
    Files.createDirectories(outDir);
    byte[] rootDer = ca.rootCertificate().getEncoded();
    byte[] efi = pin(Files.readAllBytes(ipxeEfi), HexFormat.of().parseHex(Images.sha256Hex(rootDer)));
    byte[] certDer = firstCertificate(ca.tenantCertPath(tenant)).getEncoded();
    byte[] keyDer = pkcs8Der(ca.tenantKeyPath(tenant));
    String autoexec = autoexec(server, colonHex(certDer), colonHex(keyDer));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("EFI/BOOT/BOOTX64.EFI", efi);
    files.put("autoexec.ipxe", autoexec.getBytes(StandardCharsets.US_ASCII));
    files.put("ca.pem", Files.readAllBytes(ca.rootCertPath()));
    Path usb = Images.fat(outDir.resolve(tenant + ".img"), "NETTBOOT", files);
    Path iso = Images.iso(outDir.resolve(tenant + ".iso"), usb, "NETTBOOT");
    return new Media(usb, iso);
  }

  static String autoexec(String server, String certHex, String keyHex) {
    StringBuilder s = new StringBuilder("#!ipxe\n")
        .append("certfree ||\n")
        .append("set cert ").append(certHex).append('\n')
        .append("set privkey ").append(keyHex).append('\n')
        // On a USB medium iPXE's own xHCI driver takes the controller over, so files other than
        // autoexec.ipxe are gone by the time the script runs; the server sends its full chain
        // including the root, so the extra copy is optional.
        .append("certstore file:/ca.pem ||\n")
        .append("set server ").append(server).append('\n');
    for (int i = 0; i < 5; i++) {
      s.append("ifconf -c ipv6 && goto online ||\n").append(i < 4 ? "sleep 2\n" : "");
    }
    return s.append("goto localboot\n")
        .append(":online\n")
        .append("set id ${uuid}\n")
        .append("isset ${uuid} || set id ${mac:hexhyp}\n")
        .append("iseq ${uuid} 00000000-0000-0000-0000-000000000000 && set id ${mac:hexhyp} ||\n")
        .append("iseq ${uuid} ffffffff-ffff-ffff-ffff-ffffffffffff && set id ${mac:hexhyp} ||\n")
        .append("echo nett-boot: asking https://[${server}]/v1/boot/${id}\n")
        .append("chain --timeout 5000 https://[${server}]/v1/boot/${id} || goto localboot\n")
        .append(":localboot\n")
        .append("echo nett-boot: handing over to the next boot entry\n")
        .append("exit 1\n").toString();
  }

  /** Replaces iPXE's root fingerprint with the platform root's; exactly one match required. */
  static byte[] pin(byte[] efi, byte[] rootFingerprint) {
    int at = -1;
    for (int i = 0; i + 32 <= efi.length; i++) {
      if (java.util.Arrays.equals(efi, i, i + 32, IPXE_ROOT_FINGERPRINT, 0, 32)) {
        if (at >= 0) {
          throw new IllegalStateException("iPXE root fingerprint found more than once");
        }
        at = i;
      }
    }
    if (at < 0) {
      throw new IllegalStateException("iPXE root fingerprint not found (binary built with TRUST=?)");
    }
    byte[] out = efi.clone();
    System.arraycopy(rootFingerprint, 0, out, at, 32);
    int pe = java.nio.ByteBuffer.wrap(out, 0x3c, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    int checksum = java.nio.ByteBuffer.wrap(out, pe + 24 + 64, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    if (checksum != 0) {
      throw new IllegalStateException("the stand-in does not recompute PE checksums");
    }
    return out;
  }

  private static X509Certificate firstCertificate(Path pem) throws IOException {
    try (var in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(e);
    }
  }

  /** PKCS#8 DER including the EC public key (iPXE cannot use a key without it): via openssl. */
  private static byte[] pkcs8Der(Path keyPem) throws IOException {
    Path der = Files.createTempFile("nettboot-key", ".der");
    try {
      // "openssl ec" derives the public point; pkcs8 then keeps it inside the PKCS#8 structure
      Sh.run("sh", "-c", "openssl ec -in \"$1\" 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -outform DER -out \"$2\"",
          "sh", keyPem.toString(), der.toString());
      return Files.readAllBytes(der);
    } finally {
      Files.delete(der);
    }
  }

  static String colonHex(byte[] b) {
    return HexFormat.ofDelimiter(":").formatHex(b);
  }
}
