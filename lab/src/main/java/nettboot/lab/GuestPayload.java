package nettboot.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import nettboot.core.error.UnavailableException;

/**
 * The netboot payload standing in for Talos (which cannot be downloaded here): Debian's kernel (fetched once into {@code <repo>/.cache/}) and an
 * initramfs built here (newc cpio, gzip) whose /init prints the kernel command line, the SMBIOS
 * UUID and a marker on the serial console, then powers off.
 *
 * <p>When the command line carries {@code talos.config} and {@code talos.events.sink} (an install
 * boot of a machine with a stored config), /init first plays the netbooted Talos: loads the virtio
 * NIC driver, brings every NIC up, waits for the first SLAAC address (from the Router
 * Advertisement of whichever ToR answers), fetches the config from the config listener with the per-boot token (trusting only the platform CA, as
 * {@code talos.config.early} makes Talos do) and publishes Talos's install events to the sink
 * with the grpc-go client of {@code edge/src/test/go/talos-events-client}.
 */
public final class GuestPayload {
  public static final String CMDLINE_MARKER = "NETTBOOT-CMDLINE: ";
  public static final String UUID_MARKER = "NETTBOOT-UUID: ";
  public static final String KERNEL_UP = "NETTBOOT-KERNEL-UP";
  public static final String ADDRESS_MARKER = "NETTBOOT-ADDR: ";
  public static final String TALOS_REPORTED = "NETTBOOT-TALOS-EVENTS-SENT";
  public static final String TALOS_FAILED = "NETTBOOT-TALOS-EVENTS-FAILED";

  /** Static busybox (Debian's busybox-static): the initramfs has no libc. */
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  private GuestPayload() {}

  /** Debian's amd64 kernel image, downloaded once into {@code <repo>/.cache/debian-kernel}. */
  public static Path kernel(Path repo) {
    Path dir = repo.resolve(".cache/debian-kernel");
    Sh.Result r = Sh.exec(Duration.ofMinutes(15), List.of(repo.resolve("scripts/fetch-debian-kernel").toString(), dir.toString()));
    if (r.exit() != 0) {
      throw new UnavailableException("scripts/fetch-debian-kernel failed: " + r.output().strip(), null);
    }
    return dir.resolve("vmlinuz");
  }

  /** Debian's iPXE 2.0 EFI binary (suite sid), fetched once into {@code <repo>/.cache/ipxe}. */
  public static Path ipxeEfi(Path repo) {
    Path dir = repo.resolve(".cache/ipxe");
    if (!Files.isRegularFile(dir.resolve(".complete"))) {
      Sh.Result r = Sh.exec(Duration.ofMinutes(10), List.of(repo.resolve("scripts/fetch-debian-package").toString(), "ipxe", dir.toString()));
      if (r.exit() != 0) {
        throw new UnavailableException("scripts/fetch-debian-package ipxe failed: " + r.output().strip(), null);
      }
    }
    return dir.resolve("usr/lib/ipxe/ipxe-amd64.efi");
  }

  static final String INIT = """
      #!/bin/sh
      /bin/busybox mount -t proc proc /proc
      /bin/busybox mount -t sysfs sysfs /sys
      echo "%1$s$(cat /proc/cmdline)"
      echo "%2$s$(cat /sys/class/dmi/id/product_uuid 2>/dev/null)"
      config=$(sed -n 's/.*talos\\.config=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
      sink=$(sed -n 's/.*talos\\.events\\.sink=\\([^ ]*\\).*/\\1/p' /proc/cmdline)
      if [ -n "$config" ] && [ -n "$sink" ]; then
        for m in $(cat /lib/modules/order); do insmod /lib/modules/$m; done
        ip link set lo up
        for n in /sys/class/net/eth*; do ip link set ${n##*/} up; done
        i=0
        while [ $i -lt 60 ]; do
          a=$(ip -6 addr show scope global | grep inet6 | grep -v tentative | head -n 1)
          [ -n "$a" ] && break
          sleep 1
          i=$((i+1))
        done
        echo "%3$s$(echo $a | cut -d' ' -f2)"
        if /bin/talos-events-client -ca /ca.pem -config "$config" -sink "$sink" -install-run; then
          echo %4$s
        else
          echo %5$s
        fi
      fi
      echo %6$s
      sleep 1
      poweroff -f
      """.formatted(CMDLINE_MARKER, UUID_MARKER, ADDRESS_MARKER, TALOS_REPORTED, TALOS_FAILED, KERNEL_UP);

  /**
   * Writes the initramfs (deterministic: fixed inode numbers and mtimes) with the platform CA and
   * the static Talos events client.
   */
  public static Path initramfs(Path out, Path kernel, Path platformCa, Path eventsClient) throws IOException {
    byte[] busybox = Files.readAllBytes(BUSYBOX);
    ByteArrayOutputStream cpio = new ByteArrayOutputStream();
    Newc w = new Newc(cpio);
    for (String d : List.of("bin", "dev", "proc", "sys", "lib", "lib/modules")) {
      w.entry(d, 0040755, new byte[0], 0, 0);
    }
    w.entry("dev/console", 0020600, new byte[0], 5, 1);
    w.entry("bin/busybox", 0100755, busybox, 0, 0);
    for (String applet : List.of("sh", "cat", "echo", "mount", "poweroff", "sleep", "sed", "grep",
        "cut", "ip", "insmod", "head")) {
      w.entry("bin/" + applet, 0120777, "busybox".getBytes(StandardCharsets.US_ASCII), 0, 0);
    }
    Path modules = kernel.getParent().resolve("modules");
    w.entry("lib/modules/order", 0100644, Files.readAllBytes(modules.resolve("order")), 0, 0);
    for (String m : Files.readAllLines(modules.resolve("order"))) {
      w.entry("lib/modules/" + m, 0100644, Files.readAllBytes(modules.resolve(m)), 0, 0);
    }
    w.entry("ca.pem", 0100644, Files.readAllBytes(platformCa), 0, 0);
    w.entry("bin/talos-events-client", 0100755, Files.readAllBytes(eventsClient), 0, 0);
    w.entry("init", 0100755, INIT.getBytes(StandardCharsets.US_ASCII), 0, 0);
    w.entry("TRAILER!!!", 0, new byte[0], 0, 0);
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out))) {
      cpio.writeTo(o);
    }
    return out;
  }

  /**
   * The Talos stand-in, built static (no libc in the initramfs) with Debian's Go toolchain and its
   * grpc-go and protobuf-go packages from {@code edge/src/test/go/talos-events-client}.
   */
  public static Path talosEventsClient(Path repo, Path outDir) throws IOException {
    Path source = repo.resolve("edge/src/test/go/talos-events-client/main.go");
    Path out = outDir.resolve("talos-events-client");
    Files.createDirectories(outDir);
    ProcessBuilder pb = new ProcessBuilder("go", "build", "-ldflags", "-s -w", "-o", out.toString(),
        source.toString()).redirectErrorStream(true);
    pb.environment().put("CGO_ENABLED", "0");
    pb.environment().put("GOPATH", "/usr/share/gocode");
    pb.environment().put("GO111MODULE", "off");
    pb.environment().put("GOFLAGS", "");
    pb.environment().put("GOCACHE", outDir.resolve("go-build-cache").toString());
    try {
      Process p = pb.start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new UnavailableException("building " + source + " failed:\n" + log, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
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
      return String.format(java.util.Locale.ROOT, "%08x", v);
    }
  }
}
