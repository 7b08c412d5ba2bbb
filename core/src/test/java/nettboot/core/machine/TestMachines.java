package nettboot.core.machine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Builders for machine records in tests. */
public final class TestMachines {
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestMachines() {}

  public static Machine machine(String tenant, MachineState state, String profile) {
    return new Machine("k-" + tenant, Optional.of(MachineId.parseUuid("4c4c4544-0042-3510-8052-b4c04f4d3232")),
        List.of(MachineId.parseMac("52:54:00:12:34:56")), tenant, Role.WORKER, "node-1", profile,
        state, 7, false, T0, T0);
  }

  public static BootProfile profile(String tenant) {
    return new BootProfile("talos-1.13", tenant, "vmlinuz-amd64", "initramfs-amd64.xz",
        "console=ttyS0 talos.platform=metal", T0);
  }
}
