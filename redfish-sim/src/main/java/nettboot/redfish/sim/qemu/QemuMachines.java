package nettboot.redfish.sim.qemu;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import nettboot.core.error.UnavailableException;

/** Sets up the VMs behind a set of BMCs, all or nothing: host checked first, then each machine directory. */
public final class QemuMachines {
  private QemuMachines() {}

  /**
   * Checks the host ({@link QemuPrerequisites}) and prepares every machine directory (disk,
   * firmware variables; a QEMU left by a crashed earlier run is ended). Starts no VM.
   *
   * @throws UnavailableException naming every problem, one line each
   */
  public static List<QemuVm> prepare(List<VmSpec> specs) {
    List<String> problems = QemuPrerequisites.check(specs);
    if (!problems.isEmpty()) {
      throw new UnavailableException("cannot run QEMU-backed BMCs on this host:\n  - "
          + String.join("\n  - ", problems), null);
    }
    List<QemuVm> vms = new ArrayList<>();
    for (VmSpec s : specs) {
      QemuVm vm = new QemuVm(s);
      try {
        vm.prepare();
      } catch (IOException e) {
        throw new UnavailableException("cannot prepare the machine directory " + s.dir() + ": " + e.getMessage(), e);
      }
      vms.add(vm);
    }
    return List.copyOf(vms);
  }

  /** One line for the operator: directory, UUID, namespace, NICs, logs. */
  public static String describe(VmSpec s) {
    String nics = s.nics().isEmpty() ? "no NIC"
        : s.nics().stream().map(n -> n.tap() + "=" + n.mac()).collect(Collectors.joining(" "));
    return s.dir() + " uuid " + s.smbiosUuid() + (s.netns() == null ? "" : " netns " + s.netns()) + " " + nics
        + " serial " + s.serialLog().getFileName();
  }
}
