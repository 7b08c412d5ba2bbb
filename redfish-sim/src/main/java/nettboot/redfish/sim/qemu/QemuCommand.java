package nettboot.redfish.sim.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nettboot.redfish.sim.SystemBacking.FirstDevice;

/**
 * The QEMU command line for one power-on: UEFI firmware (code read-only, the machine's own
 * variable store), the local disk, a CD drive that is always present (empty or holding the
 * downloaded image, so media can change while the machine runs), the NICs on their taps driven by
 * the boot program's own drivers (empty option ROM), a virtio RNG, the serial console appended to
 * a file, QMP on a unix socket. The boot order comes from {@code bootindex}: the CD first when the
 * override asks for it, else the disk; the NICs always after both. A guest reset ends the process
 * ({@code -no-reboot}) so each boot takes the boot order the BMC decides then.
 */
final class QemuCommand {
  private QemuCommand() {}

  static List<String> build(VmSpec s, FirstDevice first, boolean mediaPresent) {
    List<String> c = new ArrayList<>();
    if (s.netns() != null) {
      c.addAll(List.of("ip", "netns", "exec", s.netns()));
    }
    c.add(s.arch().binary);
    c.addAll(List.of("-name", s.name()));
    switch (s.arch()) {
      case X86_64 -> c.addAll(List.of("-machine", "q35"));
      case ARM64 -> c.addAll(List.of("-machine", "virt", "-cpu", s.accel().equals("kvm") ? "host" : "cortex-a57"));
    }
    c.addAll(List.of("-accel", s.accel(), "-m", String.valueOf(s.memoryMib()), "-smp", "1",
        "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
        "-chardev", "file,id=serial0,append=on,path=" + opt(s.serialLog()), "-serial", "chardev:serial0",
        "-qmp", "unix:" + opt(s.qmpSocket()) + ",server=on,wait=off",
        "-pidfile", s.pidFile().toString(),
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + opt(s.arch().firmwareCode),
        "-drive", "if=pflash,format=raw,unit=1,file=" + opt(s.efiVars()),
        "-smbios", "type=1,uuid=" + s.smbiosUuid(),
        "-device", "virtio-rng-pci"));
    int disk = first == FirstDevice.CD ? 1 : 0;
    int cd = first == FirstDevice.CD ? 0 : 1;
    c.addAll(List.of(
        "-drive", "if=none,id=disk0,format=" + s.diskFormat().qemuName() + ",file=" + opt(s.disk()),
        "-device", "virtio-blk-pci,drive=disk0,id=disk,bootindex=" + disk));
    String cdDrive = "if=none,id=cd0,media=cdrom,readonly=on"
        + (mediaPresent ? ",format=raw,file=" + opt(s.media()) : "");
    switch (s.arch()) {
      case X86_64 -> c.addAll(List.of("-drive", cdDrive, "-device", "ide-cd,bus=ide.0,drive=cd0,id=cdrom,bootindex=" + cd));
      case ARM64 -> c.addAll(List.of("-device", "virtio-scsi-pci,id=scsi0", "-drive", cdDrive,
          "-device", "scsi-cd,bus=scsi0.0,drive=cd0,id=cdrom,bootindex=" + cd));
    }
    for (int i = 0; i < s.nics().size(); i++) {
      VmSpec.Nic n = s.nics().get(i);
      c.addAll(List.of("-netdev", "tap,id=net" + i + ",ifname=" + n.tap() + ",script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=net" + i + ",id=nic" + i + ",mac=" + n.mac() + ",romfile=,bootindex="
              + (2 + i)));
    }
    return c;
  }

  /** A path inside a QEMU option value: commas are doubled. */
  static String opt(Path p) {
    return p.toString().replace(",", ",,");
  }
}
