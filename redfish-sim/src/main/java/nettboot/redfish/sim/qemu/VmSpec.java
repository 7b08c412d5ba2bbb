package nettboot.redfish.sim.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One machine behind a QEMU-backed BMC. Its directory holds everything that outlives a power
 * cycle: the local disk (created once), the firmware variable store (copied once from the
 * distribution's template), the serial log and QEMU's own log (both appended to), and the image
 * the BMC's InsertMedia downloaded.
 *
 * @param name QEMU's {@code -name} and the machine's label in messages
 * @param memoryMib guest memory
 * @param diskBytes size of the local disk when it is created (an existing disk is kept as it is)
 * @param smbiosUuid the SMBIOS system UUID the firmware (and iPXE's {@code ${uuid}}) reports
 * @param nics the NICs in order (net0, net1, …), each on an existing tap device; none: no NIC
 * @param netns the network namespace QEMU runs in ({@code ip netns exec}), or null for the caller's
 * @param accel {@code tcg} or {@code kvm}
 * @param gracefulTimeout how long a graceful shutdown waits for the guest before forcing
 */
public record VmSpec(String name, Path dir, Arch arch, int memoryMib, long diskBytes, DiskFormat diskFormat,
    UUID smbiosUuid, List<Nic> nics, String netns, String accel, Duration gracefulTimeout) {

  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** The guest architecture: its QEMU binary, machine type and UEFI firmware (Debian's paths). */
  public enum Arch {
    X86_64("qemu-system-x86_64", "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf"),
    ARM64("qemu-system-aarch64", "/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd",
        "qemu-efi-aarch64");

    public final String binary;
    public final Path firmwareCode;
    public final Path firmwareVars;
    public final String firmwarePackage;

    Arch(String binary, String code, String vars, String pkg) {
      this.binary = binary;
      this.firmwareCode = Path.of(code);
      this.firmwareVars = Path.of(vars);
      this.firmwarePackage = pkg;
    }

    /** {@code x86_64} or {@code arm64}. */
    public static Arch parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "x86_64", "amd64" -> X86_64;
        case "arm64", "aarch64" -> ARM64;
        default -> throw new IllegalArgumentException("must be x86_64 or arm64, not " + s);
      };
    }
  }

  public enum DiskFormat {
    RAW, QCOW2;

    String qemuName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One NIC: an existing tap device and the MAC the guest sees ({@code aa:bb:cc:dd:ee:ff}, lower case). */
  public record Nic(String tap, String mac) {
    public Nic {
      if (tap == null || !IFNAME.matcher(tap).matches()) {
        throw new IllegalArgumentException("tap name must be 1-15 of [A-Za-z0-9_.-], not " + tap);
      }
      if (mac == null || !MAC.matcher(mac.toLowerCase(Locale.ROOT)).matches()) {
        throw new IllegalArgumentException("MAC must look like 52:54:00:12:34:56, not " + mac);
      }
      mac = mac.toLowerCase(Locale.ROOT);
      if ((Integer.parseInt(mac.substring(0, 2), 16) & 1) != 0) {
        throw new IllegalArgumentException("MAC " + mac + " is a multicast address");
      }
    }
  }

  public VmSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be 1-64 of [A-Za-z0-9_.-], not " + name);
    }
    Objects.requireNonNull(dir, "dir");
    dir = dir.toAbsolutePath().normalize();
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(diskFormat, "diskFormat");
    Objects.requireNonNull(smbiosUuid, "smbiosUuid");
    if (memoryMib < 64 || memoryMib > 1 << 20) {
      throw new IllegalArgumentException("memory must be 64 MiB to 1 TiB, not " + memoryMib + " MiB");
    }
    if (diskBytes < 1 << 20) {
      throw new IllegalArgumentException("disk size must be at least 1 MiB, not " + diskBytes + " bytes");
    }
    nics = List.copyOf(nics);
    if (nics.stream().map(Nic::tap).distinct().count() != nics.size()) {
      throw new IllegalArgumentException("a tap device is given twice");
    }
    if (netns != null && !IFNAME.matcher(netns).matches() && !NAME.matcher(netns).matches()) {
      throw new IllegalArgumentException("network namespace must be of [A-Za-z0-9_.-], not " + netns);
    }
    if (!accel.equals("tcg") && !accel.equals("kvm")) {
      throw new IllegalArgumentException("accel must be tcg or kvm, not " + accel);
    }
    if (gracefulTimeout.isNegative()) {
      throw new IllegalArgumentException("graceful timeout must not be negative");
    }
  }

  /** A spec with the defaults: x86_64, 1 GiB memory, a 4 GiB raw disk, no NIC, TCG, 60 s graceful deadline. */
  public static VmSpec of(String name, Path dir, UUID smbiosUuid) {
    return new VmSpec(name, dir, Arch.X86_64, 1024, 4L << 30, DiskFormat.RAW, smbiosUuid, List.of(), null, "tcg",
        Duration.ofSeconds(60));
  }

  public VmSpec withNics(List<Nic> n, String namespace) {
    return new VmSpec(name, dir, arch, memoryMib, diskBytes, diskFormat, smbiosUuid, n, namespace, accel,
        gracefulTimeout);
  }

  public VmSpec withDisk(long bytes, DiskFormat format) {
    return new VmSpec(name, dir, arch, memoryMib, bytes, format, smbiosUuid, nics, netns, accel, gracefulTimeout);
  }

  public VmSpec withGracefulTimeout(Duration d) {
    return new VmSpec(name, dir, arch, memoryMib, diskBytes, diskFormat, smbiosUuid, nics, netns, accel, d);
  }

  public Path disk() {
    return dir.resolve("disk." + diskFormat.qemuName());
  }

  /** The machine's own UEFI variable store (boot options survive power cycles). */
  public Path efiVars() {
    return dir.resolve("efivars.fd");
  }

  /** The guest's serial console, appended to across power cycles (a banner line marks each power-on). */
  public Path serialLog() {
    return dir.resolve("serial.log");
  }

  /** QEMU's own messages (stdout and stderr), appended to. */
  public Path qemuLog() {
    return dir.resolve("qemu.log");
  }

  /** The image the BMC's InsertMedia downloaded: present = the CD holds media. */
  public Path media() {
    return dir.resolve("media.iso");
  }

  public Path qmpSocket() {
    return dir.resolve("qmp.sock");
  }

  /** The last QEMU command line, for the operator. */
  public Path commandLine() {
    return dir.resolve("qemu.cmdline");
  }

  public Path pidFile() {
    return dir.resolve("qemu.pid");
  }
}
