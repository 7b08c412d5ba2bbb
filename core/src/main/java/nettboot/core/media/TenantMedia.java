package nettboot.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;

/**
 * Tenant boot media from a prebuilt iPXE &ge; 2.0 EFI binary, without a compiler (DESIGN 2): the
 * binary pinned to the platform root CA ({@link PinnedIpxe}), the tenant's {@code autoexec.ipxe}
 * ({@link AutoexecScript}) and {@code ca.pem} go on a FAT filesystem ({@link FatImage}): the EFI
 * system partition of a GPT USB disk image ({@link GptDisk}), and the El Torito EFI boot image of
 * an ISO ({@link Xorriso}).
 *
 * <p>The media carry the tenant's private key: they are bearer credentials. They are written
 * 0600, atomically ({@link SecureFiles}), and are byte-for-byte reproducible from the same inputs.
 */
public final class TenantMedia {
  /** Every timestamp on the media: 1980-01-01T00:00:00Z, the earliest FAT can record. */
  public static final long EPOCH_SECONDS = 315532800L;
  static final String VOLUME_LABEL = "NETTBOOT";
  static final long USB_ESP_BYTES = 8L << 20;
  static final long ISO_BOOT_IMAGE_BYTES = 4L << 20;
  /**
   * The largest El Torito boot image: its catalog entry counts 512-byte sectors in 16 bits, and
   * UEFI takes that count as the size of the EFI system partition (a larger one is cut short).
   */
  static final long ISO_BOOT_IMAGE_MAX_BYTES = 65535L * 512;

  private TenantMedia() {}

  /**
   * Writes {@code outDir/<tenant>.img} and {@code outDir/<tenant>.iso} (0600, atomically: on any
   * failure neither is left half-written and no temporary file remains).
   *
   * @throws InvalidInputException naming the input: a tenant without a certificate, a key that
   *     does not match it, a bad iPXE binary or one too large for the boot image (field {@code
   *     ipxeEfi}), an output directory that cannot be written
   * @throws UnavailableException when xorriso is missing or fails
   */
  public static BuiltMedia build(EmbeddedCa ca, MediaSpec spec, Path outDir) {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(outDir, "outDir");
    X509Certificate root = ca.rootCertificate();
    Path certPath = ca.tenantCertPath(spec.tenant());
    Path keyPath = ca.tenantKeyPath(spec.tenant());
    for (Path p : List.of(certPath, keyPath)) {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException("tenant", "tenant " + spec.tenant() + " has no certificate in "
            + ca.dir() + " (" + p + " is missing); issue one with 'pki tenant --dir " + ca.dir()
            + " --tenant " + spec.tenant() + "'");
      }
    }
    X509Certificate cert = Pem.readCertificates(certPath).get(0);
    try {
      cert.verify(root.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(certPath.toString(), "not issued by the platform root CA "
          + ca.rootCertPath() + "; iPXE would not find a chain to the pinned root");
    }
    PrivateKey key = Pem.readPrivateKey(keyPath);
    byte[] efi = PinnedIpxe.read(spec.ipxeEfi());
    byte[] pinned = PinnedIpxe.pin(efi, root, spec.arch(), spec.ipxeEfi().toString());
    String script = AutoexecScript.render(spec, cert, key, keyPath.toString());

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("EFI/BOOT/" + spec.arch().bootFile(), pinned);
    files.put(AutoexecScript.FILE, script.getBytes(StandardCharsets.US_ASCII));
    files.put(AutoexecScript.CA_PEM, Pem.certificatesToPem(List.of(root)).getBytes(StandardCharsets.US_ASCII));

    // identifiers derive from the content: reproducible, yet distinct per tenant and binary
    MessageDigest md = SecureFiles.newSha256();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      md.update(e.getKey().getBytes(StandardCharsets.US_ASCII));
      md.update((byte) 0);
      md.update(e.getValue());
    }
    byte[] seed = md.digest();
    ByteBuffer sb = ByteBuffer.wrap(seed);
    int serial = sb.getInt(0);
    UUID diskGuid = randomLike(sb.getLong(4), sb.getLong(12));
    UUID partGuid = randomLike(sb.getLong(16), sb.getLong(24));

    // the ISO's boot image first: it has the tighter limit
    byte[] bootImage = isoBootImage(files, serial, spec, efi.length);
    byte[] esp = FatImage.build(files, USB_ESP_BYTES, Long.MAX_VALUE, GptDisk.PARTITION_START, serial, VOLUME_LABEL);
    byte[] usb = GptDisk.build(esp, diskGuid, partGuid, "EFI system partition");
    Arrays.fill(esp, (byte) 0);

    Path usbTarget = outDir.resolve(spec.tenant() + ".img");
    Path isoTarget = outDir.resolve(spec.tenant() + ".iso");
    Path tmp = workDirectory(outDir, spec.tenant());
    boolean usbMoved = false;
    try {
      Path isoRoot = Files.createDirectory(tmp.resolve("iso-root"),
          PosixFilePermissions.asFileAttribute(SecureFiles.PRIVATE_DIR));
      Path bootImagePath = isoRoot.resolve("efi.img");
      SecureFiles.createPrivate(bootImagePath, bootImage);
      Arrays.fill(bootImage, (byte) 0);
      Files.setLastModifiedTime(bootImagePath, FileTime.from(EPOCH_SECONDS, TimeUnit.SECONDS));
      Files.setLastModifiedTime(isoRoot, FileTime.from(EPOCH_SECONDS, TimeUnit.SECONDS));
      Path isoTmp = tmp.resolve(spec.tenant() + ".iso");
      SecureFiles.createPrivate(isoTmp, new byte[0]); // xorriso writes into a file that is 0600 already
      Xorriso.isoWithEfiBootImage(isoRoot, isoTmp);
      Files.setPosixFilePermissions(isoTmp, SecureFiles.PRIVATE);
      SecureFiles.fsync(isoTmp);
      Path usbTmp = tmp.resolve(spec.tenant() + ".img");
      SecureFiles.createPrivate(usbTmp, usb);
      Arrays.fill(usb, (byte) 0);

      SecureFiles.moveIntoPlace(usbTmp, usbTarget);
      usbMoved = true;
      SecureFiles.moveIntoPlace(isoTmp, isoTarget);
      SecureFiles.syncDirectory(outDir);
      return new BuiltMedia(usbTarget, isoTarget, Pem.sha256Fingerprint(root));
    } catch (IOException e) {
      if (usbMoved) {
        SecureFiles.deleteQuietly(usbTarget);
      }
      throw new InvalidInputException(outDir.toString(), "cannot write the media: " + MediaFiles.describe(e));
    } catch (RuntimeException e) {
      if (usbMoved) {
        SecureFiles.deleteQuietly(usbTarget);
      }
      throw e;
    } finally {
      SecureFiles.deleteTree(tmp);
    }
  }

  /** The ISO's FAT boot image; an iPXE binary too large for El Torito is the input's fault. */
  private static byte[] isoBootImage(Map<String, byte[]> files, int serial, MediaSpec spec, int efiBytes) {
    try {
      return FatImage.build(files, ISO_BOOT_IMAGE_BYTES, ISO_BOOT_IMAGE_MAX_BYTES, 0, serial, VOLUME_LABEL);
    } catch (FatImage.VolumeFullException e) {
      throw new InvalidInputException("ipxeEfi", spec.ipxeEfi() + " is " + efiBytes + " bytes: with the "
          + "medium's other files it does not fit the ISO's FAT boot image, which El Torito limits to "
          + ISO_BOOT_IMAGE_MAX_BYTES + " bytes (an iPXE EFI binary is about 1 MiB; pass Debian's ipxe-"
          + spec.arch().debianName() + ".efi)");
    }
  }

  private static Path workDirectory(Path outDir, String tenant) {
    try {
      return SecureFiles.privateTempDirectory(outDir, "." + tenant + "-media-");
    } catch (IOException e) {
      throw new InvalidInputException(outDir.toString(), "cannot write the media here: " + MediaFiles.describe(e));
    }
  }

  private static UUID randomLike(long msb, long lsb) {
    // shaped as a version-4 UUID, as partitioning tools make them
    msb = (msb & ~0xf000L) | 0x4000L;
    lsb = (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
