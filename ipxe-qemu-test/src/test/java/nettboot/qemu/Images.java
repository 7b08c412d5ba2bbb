package nettboot.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import nettboot.lab.Sh;

/** FAT disk images and El Torito ISOs made with mtools, dosfstools and xorriso. */
final class Images {
  static final String LOCAL_DISK_MARKER = nettboot.lab.LocalDisk.LOCAL_DISK_MARKER;

  private Images() {}

  static Path fat(Path image, String label, Map<String, byte[]> files) throws IOException {
    return nettboot.lab.LocalDisk.fat(image, label, files);
  }

  /** A UEFI-bootable ISO whose El Torito EFI image is the given FAT image. */
  static Path iso(Path iso, Path fatImage, String label) throws IOException {
    Path root = Files.createTempDirectory(iso.getParent(), "iso");
    try {
      Files.copy(fatImage, root.resolve("efiboot.img"));
      Files.deleteIfExists(iso);
      Sh.run(Duration.ofSeconds(120), "xorriso", "-as", "mkisofs", "-quiet", "-V", label, "-o", iso.toString(),
          "-e", "efiboot.img", "-no-emul-boot", root.toString());
      return iso;
    } finally {
      Files.deleteIfExists(root.resolve("efiboot.img"));
      Files.delete(root);
    }
  }

  /** The stand-in for an installed OS (the lab module's {@link nettboot.lab.LocalDisk}). */
  static Path localDisk(Path image, Path ipxeEfi) throws IOException {
    return nettboot.lab.LocalDisk.localDisk(image, ipxeEfi);
  }
}
