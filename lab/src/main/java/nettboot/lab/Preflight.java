package nettboot.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;

/**
 * What {@code lab up} checks before it creates anything: root, the packages, no earlier lab.
 * Each problem is one line that says how to fix it.
 */
public final class Preflight {
  static final String FRR = "/usr/lib/frr";
  public static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
  public static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

  private Preflight() {}

  /** Root and the tools of the fabric; with {@code vms}, also QEMU and OVMF. */
  public static void check(boolean vms) {
    List<String> missing = new ArrayList<>();
    Sh.Result id = Sh.exec(Duration.ofSeconds(10), List.of("id", "-u"));
    if (!id.output().trim().equals("0")) {
      throw new InvalidInputException(null, "the lab needs root (network namespaces, veth, bridges, taps, FRR): "
          + "run it with sudo or as root");
    }
    for (String tool : List.of("ip", FRR + "/zebra", FRR + "/bgpd", "vtysh", "curl")) {
      if (!Sh.available(tool)) {
        missing.add(tool);
      }
    }
    if (vms) {
      for (String tool : List.of("qemu-system-x86_64", "xorriso", "mformat", "mcopy")) {
        if (!Sh.available(tool)) {
          missing.add(tool);
        }
      }
      for (Path p : List.of(OVMF_CODE, OVMF_VARS)) {
        if (!Files.isRegularFile(p)) {
          missing.add(p.toString());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(null, "missing " + String.join(", ", missing)
          + ": run ./scripts/bootstrap-debian (installs frr, qemu-system-x86, ovmf, xorriso, mtools, curl)");
    }
  }

  /** No lab in {@code dir} and no namespace of a lab with this name. */
  public static void noEarlierLab(Path dir, String namespacePrefix) {
    LabState.Data s = LabState.read(dir);
    List<String> ns = Teardown.namespacesWithPrefix(namespacePrefix);
    if (s != null || !ns.isEmpty()) {
      throw new ConflictException("a lab is already up (" + (s != null ? dir.resolve(LabState.FILE)
          : "namespaces " + String.join(", ", ns)) + "): run 'talos-fabric-builder lab down --dir " + dir
          + "' first");
    }
  }
}
