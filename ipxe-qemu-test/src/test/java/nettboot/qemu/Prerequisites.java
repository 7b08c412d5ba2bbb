package nettboot.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.lab.Sh;

/**
 * What the end-to-end tests need from the machine. Missing pieces FAIL the tests with
 * instructions; they never skip.
 */
final class Prerequisites {
  static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private Prerequisites() {}

  /** A dynamically linked ELF names its loader (PT_INTERP) near the start of the file. */
  private static boolean isStatic(Path elf) {
    try (java.io.InputStream in = Files.newInputStream(elf)) {
      String head = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.ISO_8859_1);
      return !head.contains("/ld-linux");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  static void check() {
    List<String> problems = new ArrayList<>();
    Sh.Result id = Sh.exec(Duration.ofSeconds(10), List.of("id", "-u"));
    if (!id.output().trim().equals("0")) {
      problems.add("must run as root (network namespaces, veth, bridge, tap); running as uid "
          + id.output().trim());
    }
    for (String tool : List.of("ip", "qemu-system-x86_64", "radvd", "mformat", "mcopy", "mmd",
        "mkfs.vfat", "xorriso", "curl", "openssl")) {
      if (Sh.exec(Duration.ofSeconds(10), List.of("sh", "-c", "command -v " + tool)).exit() != 0) {
        problems.add("missing tool: " + tool);
      }
    }
    for (Path p : List.of(OVMF_CODE, OVMF_VARS, BUSYBOX)) {
      if (!Files.isRegularFile(p)) {
        problems.add("missing file: " + p);
      }
    }
    if (Files.isRegularFile(BUSYBOX) && !isStatic(BUSYBOX)) {
      problems.add(BUSYBOX + " is dynamically linked; the test initramfs needs busybox-static");
    }
    if (problems.isEmpty()) {
      String probe = "nbqprobe" + ProcessHandle.current().pid();
      Sh.Result ns = Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "add", probe));
      if (ns.exit() != 0) {
        problems.add("cannot create a network namespace: " + ns.output().trim());
      } else {
        Sh.Result tap = Sh.exec(Duration.ofSeconds(30), List.of("ip", "-n", probe, "tuntap", "add", "dev", "t0", "mode", "tap"));
        if (tap.exit() != 0) {
          problems.add("cannot create a tap device (/dev/net/tun): " + tap.output().trim());
        }
        Sh.exec(Duration.ofSeconds(30), List.of("ip", "netns", "del", probe));
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("the QEMU end-to-end tests cannot run on this machine:\n  - "
          + String.join("\n  - ", problems)
          + "\nRun them as root on Debian 12 after ./scripts/bootstrap-debian (installs qemu-system-x86, ovmf, "
          + "radvd, mtools, dosfstools, xorriso, busybox-static, curl, openssl).");
    }
  }
}
