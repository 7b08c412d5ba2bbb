package nettboot.qemu;

import java.io.IOException;
import java.nio.file.Path;
import nettboot.lab.GuestPayload;

/**
 * The netboot payload of the tests: the lab module's {@link GuestPayload} (Debian's kernel and the
 * initramfs standing in for Talos) with this repository's paths.
 */
final class Payload {
  static final String CMDLINE_MARKER = GuestPayload.CMDLINE_MARKER;
  static final String UUID_MARKER = GuestPayload.UUID_MARKER;
  static final String KERNEL_UP = GuestPayload.KERNEL_UP;
  static final String ADDRESS_MARKER = GuestPayload.ADDRESS_MARKER;
  static final String TALOS_REPORTED = GuestPayload.TALOS_REPORTED;
  static final String TALOS_FAILED = GuestPayload.TALOS_FAILED;

  private Payload() {}

  static Path repo() {
    return Path.of(System.getProperty("nettboot.repo", "..")).toAbsolutePath().normalize();
  }

  static Path kernel() {
    return GuestPayload.kernel(repo());
  }

  static Path ipxeEfi() {
    return nettboot.core.testsupport.TestAssets.ipxeEfi("amd64");
  }

  static Path initramfs(Path out, Path platformCa, Path eventsClient) throws IOException {
    return GuestPayload.initramfs(out, kernel(), platformCa, eventsClient);
  }

  static Path talosEventsClient(Path outDir) throws IOException {
    return GuestPayload.talosEventsClient(repo(), outDir);
  }
}
