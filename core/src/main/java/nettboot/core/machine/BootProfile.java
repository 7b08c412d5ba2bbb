package nettboot.core.machine;

import java.time.Instant;
import nettboot.core.error.InvalidInputException;

/**
 * What a netboot loads: kernel and initrd artifacts (by name) and the kernel command line.
 * A profile belongs to one tenant; a machine may use only its own tenant's profiles. The command
 * line is pasted into the iPXE {@code kernel} line, so it must pass {@link KernelArguments}.
 */
public record BootProfile(
    String name, String tenant, String kernel, String initrd, String cmdline, Instant updatedAt) {

  /** Longest accepted command line; the kernel's own limit on x86_64 is 2048 bytes. */
  public static final int MAX_CMDLINE = 2048;

  public BootProfile {
    Names.requireProfile("name", name);
    Names.requireTenant("tenant", tenant);
    Names.requireArtifact("kernel", kernel);
    Names.requireArtifact("initrd", initrd);
    cmdline = cmdline == null ? "" : cmdline.strip();
    if (cmdline.length() > MAX_CMDLINE) {
      throw new InvalidInputException("cmdline",
          cmdline.length() + " characters; the kernel command line budget is " + MAX_CMDLINE);
    }
    KernelArguments.require("cmdline", cmdline);
  }

  /** Printable ASCII only (no newlines or control characters), so it can never end a script line. */
  public static void requireScriptSafe(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new InvalidInputException(field, "character " + String.format("U+%04X", (int) c)
            + " at offset " + i + " is not printable ASCII");
      }
    }
  }
}
