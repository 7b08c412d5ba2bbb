package nettboot.core.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pem;

/**
 * A prebuilt iPXE &ge; 2.0 EFI binary pinned to the platform root CA without a compiler (DESIGN
 * 2): the binary's built-in trust root (the iPXE root CA's SHA-256 fingerprint, present exactly
 * once) is replaced by the SHA-256 of the platform root CA, so iPXE trusts only that CA; the PE
 * checksum is rewritten when the binary carries one.
 */
public final class PinnedIpxe {
  /** SHA-256 of the iPXE project's root CA, which stock iPXE binaries trust. */
  public static final String IPXE_ROOT_FINGERPRINT =
      "9faf717b7f8ca2f93c256c79f8ac5591895d66d1ff3bee6397a70d29c65eed1a";
  static final long MAX_EFI_BYTES = 64L << 20;
  private static final HexFormat HEX = HexFormat.of();

  private PinnedIpxe() {}

  /** {@link #pin(byte[], X509Certificate, Arch, String)} naming the input "ipxeEfi". */
  public static byte[] pin(byte[] efi, X509Certificate root, Arch expected) {
    return pin(efi, root, expected, "ipxeEfi");
  }

  /**
   * A copy of an iPXE EFI binary that trusts {@code root} instead of the iPXE root CA.
   *
   * @param source names the binary in errors (its path)
   * @throws InvalidInputException when the binary is not a PE/COFF EFI application of {@code
   *     expected}, not iPXE &ge; 2.0, or holds the iPXE root fingerprint other than exactly once
   */
  public static byte[] pin(byte[] efi, X509Certificate root, Arch expected, String source) {
    Objects.requireNonNull(efi, "efi");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(expected, "expected");
    PeImage pe = PeImage.parse(efi, source);
    if (pe.machine != expected.peMachine()) {
      throw new InvalidInputException(source, "is an EFI binary for " + Arch.describeMachine(pe.machine)
          + ", not for " + Arch.describeMachine(expected.peMachine()) + "; pass the iPXE binary for "
          + expected.cliName() + " (ipxe-" + expected.debianName() + ".efi)");
    }
    if (pe.subsystem != PeImage.EFI_APPLICATION) {
      throw new InvalidInputException(source, "is a PE image of subsystem " + pe.subsystem
          + ", not an EFI application (10)");
    }
    String version = PeImage.ipxeVersion(efi).orElseThrow(() -> new InvalidInputException(source,
        "no iPXE version string found; expected an iPXE 2.0 or later EFI binary"));
    int[] mm = PeImage.majorMinor(version);
    if (mm == null || mm[0] < 2) {
      throw new InvalidInputException(source, "is iPXE " + version + "; iPXE 2.0 or later is "
          + "required (earlier versions lack the commands and TLS support the medium relies on)");
    }
    byte[] old = HEX.parseHex(IPXE_ROOT_FINGERPRINT);
    byte[] fresh = Pem.sha256(root);
    List<Integer> at = PeImage.find(efi, old);
    if (at.size() != 1) {
      String hint = at.isEmpty() && PeImage.find(efi, fresh).size() == 1
          ? " (it is already pinned to this platform CA: pass the original binary)"
          : at.isEmpty() ? " (built with TRUST=? use a binary with iPXE's default trust list)" : "";
      throw new InvalidInputException(source, "holds the iPXE root CA fingerprint " + at.size()
          + " times; exactly 1 is required to pin the platform CA" + hint);
    }
    byte[] out = efi.clone();
    System.arraycopy(fresh, 0, out, at.get(0), fresh.length);
    if (pe.storedChecksum(efi) != 0) {
      pe.writeChecksum(out, PeImage.checksum(out, pe.checksumOffset));
    }
    return out;
  }

  /**
   * Reads an iPXE EFI binary from disk (at most {@link #MAX_EFI_BYTES}).
   *
   * @throws InvalidInputException naming the file when it is missing, unreadable or too large
   */
  static byte[] read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new InvalidInputException(file.toString(), "not found (or not a regular file); expected an "
            + "iPXE EFI binary such as ipxe-amd64.efi");
      }
      if (Files.size(file) > MAX_EFI_BYTES) {
        throw new InvalidInputException(file.toString(), "larger than " + MAX_EFI_BYTES
            + " bytes; not an iPXE EFI binary");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes((int) MAX_EFI_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "not found; expected an iPXE EFI binary");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + MediaFiles.describe(e));
    }
  }
}
