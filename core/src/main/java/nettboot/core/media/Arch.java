package nettboot.core.media;

import java.util.Locale;
import nettboot.core.error.InvalidInputException;

/** The UEFI architectures a tenant medium can be built for. */
public enum Arch {
  X86_64(0x8664, "BOOTX64.EFI", "amd64", "x86_64"),
  ARM64(0xAA64, "BOOTAA64.EFI", "arm64", "arm64");

  private final int peMachine;
  private final String bootFile;
  private final String debianName;
  private final String cliName;

  Arch(int peMachine, String bootFile, String debianName, String cliName) {
    this.peMachine = peMachine;
    this.bootFile = bootFile;
    this.debianName = debianName;
    this.cliName = cliName;
  }

  /** The PE/COFF machine type of an EFI application for this architecture. */
  public int peMachine() {
    return peMachine;
  }

  /** The removable-media boot file name under {@code EFI/BOOT/}. */
  public String bootFile() {
    return bootFile;
  }

  /** The architecture as Debian names it ({@code ipxe-<name>.efi}). */
  public String debianName() {
    return debianName;
  }

  /** The architecture as the command line spells it ({@code x86_64}, {@code arm64}). */
  public String cliName() {
    return cliName;
  }

  /** Accepts {@code x86_64}, {@code amd64}, {@code x64}, {@code arm64}, {@code aarch64} (any case). */
  public static Arch parse(String field, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "x86_64", "x86-64", "amd64", "x64" -> X86_64;
      case "arm64", "aarch64", "aa64" -> ARM64;
      default -> throw new InvalidInputException(field, "unknown architecture "
          + (value == null ? "null" : '"' + value + '"') + "; expected x86_64 or arm64");
    };
  }

  /** A readable name for any PE machine type, for error messages. */
  static String describeMachine(int machine) {
    for (Arch a : values()) {
      if (a.peMachine == machine) {
        return a.cliName + " (0x" + Integer.toHexString(machine).toUpperCase(Locale.ROOT) + ")";
      }
    }
    String name = switch (machine) {
      case 0x014c -> "i386";
      case 0x01c2, 0x01c4 -> "arm32";
      case 0x6264 -> "loongarch64";
      case 0x5064 -> "riscv64";
      case 0x5032 -> "riscv32";
      case 0x0200 -> "ia64";
      case 0x0ebc -> "EFI byte code";
      default -> "unknown machine";
    };
    return name + " (0x" + String.format(Locale.ROOT, "%04X", machine) + ")";
  }
}
