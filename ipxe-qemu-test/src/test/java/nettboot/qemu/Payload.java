package nettboot.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The netboot payload: Debian's kernel (fetched once into {@code <repo>/.cache/}) and an
 * initramfs built here (newc cpio, gzip) whose /init prints the kernel command line, the SMBIOS
 * UUID and a marker on the serial console, then powers off.
 */
final class Payload {
  static final String CMDLINE_MARKER = "NETTBOOT-CMDLINE: ";
  static final String UUID_MARKER = "NETTBOOT-UUID: ";
  static final String KERNEL_UP = "NETTBOOT-KERNEL-UP";

  private Payload() {}

  static Path repo() {
    return Path.of(System.getProperty("nettboot.repo", "..")).toAbsolutePath().normalize();
  }

  /** Debian's amd64 kernel image, downloaded once by scripts/fetch-debian-kernel. */
  static Path kernel() {
    Path dir = repo().resolve(".cache/debian-kernel");
    Sh.run(Duration.ofMinutes(15), repo().resolve("scripts/fetch-debian-kernel").toString(), dir.toString());
    return dir.resolve("vmlinuz");
  }

  /** Debian's iPXE 2.0 EFI binary (suite sid), fetched once into {@code <repo>/.cache/ipxe}. */
  static Path ipxeEfi() {
    return nettboot.core.testsupport.TestAssets.ipxeEfi("amd64");
  }

  static final String INIT = """
      #!/bin/sh
      /bin/busybox mount -t proc proc /proc
      /bin/busybox mount -t sysfs sysfs /sys
      echo "%s$(cat /proc/cmdline)"
      echo "%s$(cat /sys/class/dmi/id/product_uuid 2>/dev/null)"
      echo %s
      sleep 1
      poweroff -f
      """.formatted(CMDLINE_MARKER, UUID_MARKER, KERNEL_UP);

  /** Writes the initramfs (deterministic: fixed inode numbers and mtimes). */
  static Path initramfs(Path out) throws IOException {
    byte[] busybox = Files.readAllBytes(Prerequisites.BUSYBOX);
    ByteArrayOutputStream cpio = new ByteArrayOutputStream();
    Newc w = new Newc(cpio);
    for (String d : List.of("bin", "dev", "proc", "sys")) {
      w.entry(d, 0040755, new byte[0], 0, 0);
    }
    w.entry("dev/console", 0020600, new byte[0], 5, 1);
    w.entry("bin/busybox", 0100755, busybox, 0, 0);
    for (String applet : List.of("sh", "cat", "echo", "mount", "poweroff", "sleep")) {
      w.entry("bin/" + applet, 0120777, "busybox".getBytes(StandardCharsets.US_ASCII), 0, 0);
    }
    w.entry("init", 0100755, INIT.getBytes(StandardCharsets.US_ASCII), 0, 0);
    w.entry("TRAILER!!!", 0, new byte[0], 0, 0);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out))) {
      cpio.writeTo(o);
    }
    return out;
  }

  /** The "new ASCII" cpio format the kernel unpacks. */
  private static final class Newc {
    private final ByteArrayOutputStream out;
    private int ino = 1;

    Newc(ByteArrayOutputStream out) {
      this.out = out;
    }

    void entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
      byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
      String header = "070701" + hex(ino++) + hex(mode) + hex(0) + hex(0)
          + hex((mode & 0170000) == 0040000 ? 2 : 1) + hex(0) + hex(data.length)
          + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(n.length) + hex(0);
      out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(n);
      pad();
      out.writeBytes(data);
      pad();
    }

    private void pad() {
      while (out.size() % 4 != 0) {
        out.write(0);
      }
    }

    private static String hex(int v) {
      return String.format("%08x", v);
    }
  }
}
