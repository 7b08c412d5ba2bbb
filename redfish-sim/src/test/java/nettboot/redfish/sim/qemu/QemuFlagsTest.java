package nettboot.redfish.sim.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import nettboot.core.error.InvalidInputException;
import nettboot.redfish.sim.SystemBacking.FirstDevice;
import org.junit.jupiter.api.Test;

/** The per-BMC flags become machine specs; every mistake names its flag; the boot order follows the override. */
class QemuFlagsTest {
  static QemuFlags flags(int count, List<String> nics, List<String> netns, List<String> uuids) {
    return new QemuFlags(Path.of("/srv/lab/vms"), count, "x86_64", 1024, "4G", "raw", "tcg", 60, nics, netns, uuids);
  }

  @Test
  void perBmcValuesLandOnTheirMachinesWithStableDefaults() {
    String u = "2b1f4c1e-0d7a-4a55-9b43-3c3b8f1f0a01";
    List<VmSpec> specs = flags(2, List.of("0:m0a,52:54:00:00:00:0a", "0:m0b", "1:m1a"), List.of("0:machine-0"),
        List.of("1:" + u)).specs();
    assertThat(specs).hasSize(2);
    VmSpec a = specs.get(0);
    assertThat(a.dir()).isEqualTo(Path.of("/srv/lab/vms/bmc-0"));
    assertThat(a.netns()).isEqualTo("machine-0");
    assertThat(a.nics()).extracting(VmSpec.Nic::tap).containsExactly("m0a", "m0b");
    assertThat(a.nics().get(0).mac()).isEqualTo("52:54:00:00:00:0a");
    assertThat(a.nics().get(1).mac()).matches("52:54(:[0-9a-f]{2}){4}").isNotEqualTo(a.nics().get(0).mac());
    assertThat(specs.get(1).smbiosUuid()).isEqualTo(UUID.fromString(u));
    assertThat(specs.get(1).netns()).isNull();
    // defaults are derived, not random: the same flags give the same machines
    assertThat(flags(2, List.of("0:m0a,52:54:00:00:00:0a", "0:m0b", "1:m1a"), List.of("0:machine-0"),
        List.of("1:" + u)).specs()).isEqualTo(specs);
  }

  @Test
  void mistakesNameTheirFlag() {
    assertFlag(flags(2, List.of("2:tap0"), List.of(), List.of()), "--qemu-nic", "BMC index 2 is not one of 0..1");
    assertFlag(flags(2, List.of("tap0"), List.of(), List.of()), "--qemu-nic", "expected N:VALUE");
    assertFlag(flags(1, List.of("0:tap0,zz:00:00:00:00:00"), List.of(), List.of()), "--qemu-nic", "MAC must look like");
    assertFlag(flags(1, List.of("0:tap0,52:54:00:00:00:01", "0:tap1,52:54:00:00:00:01"), List.of(), List.of()),
        "--qemu-nic", "given twice");
    assertFlag(flags(1, List.of("0:a-name-longer-than-15"), List.of(), List.of()), "--qemu-nic", "tap name");
    assertFlag(flags(1, List.of(), List.of(), List.of("0:not-a-uuid")), "--qemu-uuid", "");
    String u = UUID.randomUUID().toString();
    assertFlag(flags(2, List.of(), List.of(), List.of("0:" + u, "1:" + u)), "--qemu-uuid", "given to two BMCs");
    assertFlag(flags(1, List.of(), List.of("0:a", "0:b"), List.of()), "--qemu-netns", "two namespaces");
    assertFlag(new QemuFlags(Path.of("x"), 1, "sparc", 1024, "4G", "raw", "tcg", 60, List.of(), List.of(), List.of()),
        "--qemu-arch", "x86_64 or arm64");
    assertFlag(new QemuFlags(Path.of("x"), 1, "x86_64", 1024, "4Q", "raw", "tcg", 60, List.of(), List.of(), List.of()),
        "--qemu-disk-size", "like 4G");
    assertFlag(new QemuFlags(Path.of("x"), 1, "x86_64", 1024, "4G", "vmdk", "tcg", 60, List.of(), List.of(), List.of()),
        "--qemu-disk-format", "");
    assertFlag(new QemuFlags(Path.of("x"), 1, "x86_64", 1024, "4G", "raw", "hvf", 60, List.of(), List.of(), List.of()),
        "--qemu-accel", "tcg or kvm");
  }

  private static void assertFlag(QemuFlags f, String flag, String text) {
    assertThatThrownBy(f::specs).isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(flag))
        .hasMessageContaining(text).hasMessageNotContaining("\n");
  }

  @Test
  void theOverrideDecidesTheBootOrderAndNicsNeverPrecedeTheDisk() {
    VmSpec s = flags(1, List.of("0:t0", "0:t1"), List.of("0:ns0"), List.of()).specs().get(0);
    String cd = String.join(" ", QemuCommand.build(s, FirstDevice.CD, true));
    assertThat(cd).startsWith("ip netns exec ns0 qemu-system-x86_64 ")
        .contains("ide-cd,bus=ide.0,drive=cd0,id=cdrom,bootindex=0", "virtio-blk-pci,drive=disk0,id=disk,bootindex=1",
            "file=/srv/lab/vms/bmc-0/media.iso", "id=nic0,mac=", "romfile=,bootindex=2", "romfile=,bootindex=3",
            "-smbios type=1,uuid=" + s.smbiosUuid(), "readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
            "unit=1,file=/srv/lab/vms/bmc-0/efivars.fd", "-no-reboot");
    String disk = String.join(" ", QemuCommand.build(s, FirstDevice.DISK, false));
    assertThat(disk).contains("virtio-blk-pci,drive=disk0,id=disk,bootindex=0", "id=cdrom,bootindex=1",
        "romfile=,bootindex=2").doesNotContain("media.iso");
    VmSpec arm = new VmSpec("a", Path.of("/x/a,b"), VmSpec.Arch.ARM64, 512, 1L << 30, VmSpec.DiskFormat.QCOW2,
        UUID.randomUUID(), List.of(), null, "tcg", java.time.Duration.ZERO);
    assertThat(String.join(" ", QemuCommand.build(arm, FirstDevice.CD, true)))
        .startsWith("qemu-system-aarch64 ").contains("-machine virt -cpu cortex-a57", "scsi-cd,bus=scsi0.0",
            "AAVMF_CODE.fd", "format=qcow2,file=/x/a,,b/disk.qcow2");
  }
}
