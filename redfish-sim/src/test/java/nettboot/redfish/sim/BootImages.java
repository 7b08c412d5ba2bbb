package nettboot.redfish.sim;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bootable test images from Debian's iPXE EFI binary: a FAT image (a "disk" the firmware boots by
 * its removable-media path) and an El Torito ISO around one, each with an {@code autoexec.ipxe}.
 */
final class BootImages {
  private BootImages() {}

  /** A superfloppy FAT image: {@code EFI/BOOT/BOOTX64.EFI} = iPXE, {@code autoexec.ipxe} = script. */
  static Path fat(Path image, Path ipxeEfi, String script) throws IOException {
    Files.deleteIfExists(image);
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(8L << 20);
    }
    run("mkfs.vfat", "-n", "NBSIM", image.toString());
    Path autoexec = image.resolveSibling(image.getFileName() + ".autoexec");
    Files.writeString(autoexec, script, StandardCharsets.US_ASCII);
    for (String dir : List.of("::/EFI", "::/EFI/BOOT")) {
      run("env", "MTOOLS_SKIP_CHECK=1", "mmd", "-i", image.toString(), dir);
    }
    run("env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-i", image.toString(), ipxeEfi.toString(), "::/EFI/BOOT/BOOTX64.EFI");
    run("env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-i", image.toString(), autoexec.toString(), "::/autoexec.ipxe");
    Files.delete(autoexec);
    return image;
  }

  /** A UEFI-bootable ISO whose El Torito image is a FAT image as {@link #fat} makes. */
  static Path iso(Path iso, Path ipxeEfi, String script) throws IOException {
    Path root = Files.createTempDirectory(iso.getParent(), "iso");
    fat(root.resolve("efiboot.img"), ipxeEfi, script);
    Files.deleteIfExists(iso);
    run("xorriso", "-as", "mkisofs", "-quiet", "-V", "NBSIM", "-o", iso.toString(), "-e", "efiboot.img",
        "-no-emul-boot", root.toString());
    Files.delete(root.resolve("efiboot.img"));
    Files.delete(root);
    return iso;
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
