package nettboot.redfish.sim.qemu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import nettboot.core.error.InvalidInputException;

/**
 * The command line's description of N QEMU-backed machines, one per BMC, turned into
 * {@link VmSpec}s: machine directories {@code DIR/bmc-N}, shared settings, and per-BMC values given
 * as {@code N:VALUE} (N counts from 0). Every mistake names its flag.
 *
 * @param nics {@code N:TAP[,MAC]}, repeatable per BMC (net0, net1, … in order); without a MAC one
 *     is derived from the machine's UUID
 * @param netns {@code N:NAMESPACE}: run BMC N's QEMU in that network namespace
 * @param uuids {@code N:UUID}: BMC N's SMBIOS UUID (default: derived from its directory, stable)
 */
public record QemuFlags(Path dir, int count, String arch, int memoryMib, String diskSize, String diskFormat,
    String accel, long gracefulSeconds, List<String> nics, List<String> netns, List<String> uuids) {

  public QemuFlags {
    nics = List.copyOf(nics);
    netns = List.copyOf(netns);
    uuids = List.copyOf(uuids);
  }

  public List<VmSpec> specs() {
    VmSpec.Arch a = parse("--qemu-arch", () -> VmSpec.Arch.parse(arch));
    VmSpec.DiskFormat format = parse("--qemu-disk-format", () -> VmSpec.DiskFormat.valueOf(diskFormat.toUpperCase(Locale.ROOT)));
    long diskBytes = parse("--qemu-disk-size", () -> size(diskSize));
    if (!accel.equals("tcg") && !accel.equals("kvm")) {
      throw new InvalidInputException("--qemu-accel", "must be tcg or kvm, not " + accel);
    }
    if (memoryMib < 64) {
      throw new InvalidInputException("--qemu-memory", "must be at least 64 (MiB), not " + memoryMib);
    }
    if (gracefulSeconds < 0) {
      throw new InvalidInputException("--qemu-graceful-timeout", "must not be negative");
    }
    Map<Integer, String> namespaces = new HashMap<>();
    for (String v : netns) {
      PerBmc p = perBmc("--qemu-netns", v);
      if (namespaces.put(p.index, p.value) != null) {
        throw new InvalidInputException("--qemu-netns", "BMC " + p.index + " has two namespaces");
      }
    }
    Map<Integer, UUID> ids = new HashMap<>();
    Set<UUID> seenIds = new HashSet<>();
    for (String v : uuids) {
      PerBmc p = perBmc("--qemu-uuid", v);
      UUID u = parse("--qemu-uuid", () -> UUID.fromString(p.value));
      if (ids.put(p.index, u) != null) {
        throw new InvalidInputException("--qemu-uuid", "BMC " + p.index + " has two UUIDs");
      }
      if (!seenIds.add(u)) {
        throw new InvalidInputException("--qemu-uuid", u + " is given to two BMCs");
      }
    }
    List<VmSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "bmc-" + i;
      Path d = dir.resolve(name).toAbsolutePath().normalize();
      UUID u = ids.getOrDefault(i, UUID.nameUUIDFromBytes(("nett-boot machine " + d).getBytes(StandardCharsets.UTF_8)));
      if (!ids.containsKey(i) && !seenIds.add(u)) {
        throw new InvalidInputException("--qemu-uuid", "the derived UUID of BMC " + i + " is given to another BMC");
      }
      specs.add(new VmSpec(name, d, a, memoryMib, diskBytes, format, u, List.of(), namespaces.get(i), accel,
          Duration.ofSeconds(gracefulSeconds)));
    }
    Map<Integer, List<VmSpec.Nic>> nicsOf = new HashMap<>();
    Set<String> macs = new HashSet<>();
    Set<String> taps = new HashSet<>();
    for (String v : nics) {
      PerBmc p = perBmc("--qemu-nic", v);
      String[] tm = p.value.split(",", -1);
      if (tm.length > 2) {
        throw new InvalidInputException("--qemu-nic", "expected N:TAP[,MAC], not " + v);
      }
      List<VmSpec.Nic> list = nicsOf.computeIfAbsent(p.index, k -> new ArrayList<>());
      String mac = tm.length == 2 ? tm[1] : derivedMac(specs.get(p.index).smbiosUuid(), list.size());
      VmSpec.Nic nic = parse("--qemu-nic", () -> new VmSpec.Nic(tm[0], mac));
      if (!macs.add(nic.mac())) {
        throw new InvalidInputException("--qemu-nic", "MAC " + nic.mac() + " is given twice");
      }
      if (!taps.add(namespaces.getOrDefault(p.index, "") + "/" + nic.tap())) {
        throw new InvalidInputException("--qemu-nic", "tap " + nic.tap() + " is given twice in the same namespace");
      }
      list.add(nic);
    }
    for (int i = 0; i < count; i++) {
      VmSpec s = specs.get(i);
      specs.set(i, s.withNics(nicsOf.getOrDefault(i, List.of()), s.netns()));
    }
    return List.copyOf(specs);
  }

  /** A locally administered unicast MAC from the machine's UUID and the NIC's position. */
  static String derivedMac(UUID u, int nic) {
    long bits = u.getLeastSignificantBits() ^ u.getMostSignificantBits();
    return String.format(Locale.ROOT, "52:54:%02x:%02x:%02x:%02x", (bits >>> 24) & 0xff, (bits >>> 16) & 0xff,
        (bits >>> 8) & 0xff, ((bits & 0xf0) | (nic & 0x0f)));
  }

  private record PerBmc(int index, String value) {}

  private PerBmc perBmc(String flag, String v) {
    int colon = v.indexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new InvalidInputException(flag, "expected N:VALUE with N the BMC's index from 0, not " + v);
    }
    int i;
    try {
      i = Integer.parseInt(v.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(flag, "expected N:VALUE with N the BMC's index from 0, not " + v);
    }
    if (i < 0 || i >= count) {
      throw new InvalidInputException(flag, "BMC index " + i + " is not one of 0.." + (count - 1) + " (--count "
          + count + ")");
    }
    return new PerBmc(i, v.substring(colon + 1));
  }

  /** {@code 4G}, {@code 512M}, {@code 1048576}: bytes. */
  static long size(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("G") || t.endsWith("M") || t.endsWith("K")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'G' -> 1L << 30;
        case 'M' -> 1L << 20;
        default -> 1L << 10;
      };
      t = t.substring(0, t.length() - 1);
    }
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a size like 4G or 512M, not " + s);
    }
    if (n <= 0 || n > (1L << 50) / unit || n * unit < 1L << 20) {
      throw new IllegalArgumentException("must be 1M to 1024T, not " + s);
    }
    return n * unit;
  }

  private interface Parser<T> {
    T get();
  }

  private static <T> T parse(String flag, Parser<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(flag, e.getMessage());
    }
  }
}
