package nettboot.redfish.sim.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What QEMU-backed BMCs need from this host, checked before anything starts: one line per problem,
 * each saying how to fix it. Nothing is created.
 */
public final class QemuPrerequisites {
  /** A unix socket path holds at most 107 bytes. */
  static final int MAX_SOCKET_PATH = 107;

  private QemuPrerequisites() {}

  public static List<String> check(List<VmSpec> specs) {
    Set<String> problems = new LinkedHashSet<>();
    for (VmSpec s : specs) {
      if (onPath(s.arch().binary) == null) {
        problems.add("missing " + s.arch().binary + " (install the Debian package "
            + (s.arch() == VmSpec.Arch.X86_64 ? "qemu-system-x86" : "qemu-system-arm") + ")");
      }
      for (Path f : List.of(s.arch().firmwareCode, s.arch().firmwareVars)) {
        if (!Files.isRegularFile(f)) {
          problems.add("missing UEFI firmware " + f + " (install the Debian package " + s.arch().firmwarePackage + ")");
        }
      }
      if (s.diskFormat() == VmSpec.DiskFormat.QCOW2 && onPath("qemu-img") == null && !Files.exists(s.disk())) {
        problems.add("missing qemu-img for the qcow2 disk of " + s.name() + " (install qemu-utils, or use a raw disk)");
      }
      if (s.accel().equals("kvm") && !Files.exists(Path.of("/dev/kvm"))) {
        problems.add("accelerator kvm asked for " + s.name() + " but /dev/kvm does not exist (use tcg)");
      }
      if (s.qmpSocket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
        problems.add("machine directory " + s.dir() + " is too long for QEMU's control socket (at most "
            + (MAX_SOCKET_PATH - "/qmp.sock".length()) + " bytes)");
      }
      Path existing = s.dir();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
        problems.add("machine directory " + s.dir() + " cannot be written (" + existing + " is not a writable directory)");
      }
      checkNetwork(s, problems);
    }
    return List.copyOf(problems);
  }

  private static void checkNetwork(VmSpec s, Set<String> problems) {
    if (s.netns() == null) {
      for (VmSpec.Nic n : s.nics()) {
        if (!Files.exists(Path.of("/sys/class/net", n.tap()))) {
          problems.add("tap " + n.tap() + " of " + s.name() + " does not exist (create it first: ip tuntap add dev "
              + n.tap() + " mode tap)");
        }
      }
      return;
    }
    if (!isRoot()) {
      problems.add("running QEMU in network namespace " + s.netns() + " needs root");
      return;
    }
    if (onPath("ip") == null) {
      problems.add("missing ip (install iproute2)");
      return;
    }
    if (!Files.exists(Path.of("/run/netns", s.netns()))) {
      problems.add("network namespace " + s.netns() + " of " + s.name() + " does not exist (ip netns add "
          + s.netns() + ")");
      return;
    }
    for (VmSpec.Nic n : s.nics()) {
      if (!run("ip", "-n", s.netns(), "link", "show", "dev", n.tap())) {
        problems.add("tap " + n.tap() + " of " + s.name() + " does not exist in network namespace " + s.netns()
            + " (ip -n " + s.netns() + " tuntap add dev " + n.tap() + " mode tap)");
      }
    }
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static Path onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    for (String d : dirs) {
      Path p = Path.of(d.isEmpty() ? "." : d, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
