package nettboot.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** FAT images (dosfstools + mtools) and the machines' "installed OS" disk. */
public final class LocalDisk {
  public static final String LOCAL_DISK_MARKER = "NETTBOOT-LOCAL-DISK-MARKER";

  private LocalDisk() {}

  /** A superfloppy FAT image (no partition table) holding the given files (path on FAT → bytes). */
  public static Path fat(Path image, String label, Map<String, byte[]> files) throws IOException {
    Files.deleteIfExists(image);
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(8L << 20);
    }
    run("mkfs.vfat", "-n", label, "-i", "4e424f54", image.toString());
    Path staging = Files.createTempDirectory(image.getParent(), "fat");
    try {
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        String target = e.getKey();
        int slash = target.lastIndexOf('/');
        String parent = slash > 0 ? target.substring(0, slash) : "";
        StringBuilder soFar = new StringBuilder();
        for (String part : parent.isEmpty() ? new String[0] : parent.split("/")) {
          soFar.append('/').append(part);
          Sh.exec(Duration.ofSeconds(30), List.of("env", "MTOOLS_SKIP_CHECK=1", "mmd", "-D", "s", "-i",
              image.toString(), "::" + soFar));
        }
        Path src = staging.resolve("f" + Integer.toHexString(target.hashCode()));
        Files.write(src, e.getValue());
        run("env", "MTOOLS_SKIP_CHECK=1", "mcopy", "-o", "-i", image.toString(), src.toString(), "::/" + target);
      }
    } finally {
      try (var s = Files.list(staging)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(staging);
    }
    return image;
  }

  /**
   * The stand-in for an installed OS: the untouched Debian iPXE as the removable-media boot
   * program, whose autoexec.ipxe only prints a marker and powers the machine off.
   */
  public static Path localDisk(Path image, Path ipxeEfi) throws IOException {
    String autoexec = "#!ipxe\necho " + LOCAL_DISK_MARKER + "\npoweroff\n";
    return fat(image, "LOCALDISK", new java.util.LinkedHashMap<>(Map.of(
        "EFI/BOOT/BOOTX64.EFI", Files.readAllBytes(ipxeEfi),
        "autoexec.ipxe", autoexec.getBytes(StandardCharsets.US_ASCII))));
  }

  private static void run(String... cmd) {
    Sh.run(cmd);
  }
}
