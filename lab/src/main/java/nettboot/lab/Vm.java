package nettboot.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import nettboot.core.error.UnavailableException;

/**
 * One power-on of a lab machine: QEMU q35 + OVMF in the machine's namespace, one virtio NIC per
 * tap (iPXE's own driver), the tenant ISO as CD (boot index 0: permanent interception), the
 * machine's persistent disk (boot index 1) and OVMF variable store, serial console to a file.
 * The machine powers itself off at the end of each stage (the payload and the disk stand-in do).
 */
public final class Vm implements AutoCloseable {
  private static final Pattern ANSI = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[()][A-Za-z0-9]|\u001B[=>78cDEHM]|\r");

  /** {@code nics}: {tap, MAC} in NIC order; {@code disk} and {@code vars} persist between power-ons. */
  public record Spec(String ns, String name, String smbiosUuid, List<String[]> nics, Path iso, Path disk, Path vars) {}

  /** The first marker seen and when (since QEMU started). */
  public record Seen(String marker, Duration elapsed) {}

  public final Path serialLog;
  private final Path qemuOut;
  private final LabChild qemu;
  private final long start = System.nanoTime();

  private Vm(LabChild qemu, Path serialLog, Path qemuOut) {
    this.qemu = qemu;
    this.serialLog = serialLog;
    this.qemuOut = qemuOut;
  }

  /** Powers the machine on; its serial console goes to {@code serialLog}. */
  public static Vm start(Spec s, String accel, Path serialLog, LabState state) {
    try {
      Files.createDirectories(serialLog.getParent());
      Files.deleteIfExists(serialLog);
      if (!Files.exists(s.vars())) {
        Files.copy(Preflight.OVMF_VARS, s.vars());
      }
    } catch (IOException e) {
      throw new UnavailableException("cannot prepare " + s.name() + ": " + e.getMessage(), e);
    }
    List<String> cmd = new ArrayList<>(Sh.inNetns(s.ns(), "qemu-system-x86_64",
        "-name", s.name(), "-machine", "q35", "-accel", accel, "-m", "768", "-smp", "1",
        "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
        "-serial", "file:" + serialLog,
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + Preflight.OVMF_CODE,
        "-drive", "if=pflash,format=raw,unit=1,file=" + s.vars(),
        "-smbios", "type=1,uuid=" + s.smbiosUuid()));
    for (int i = 0; i < s.nics().size(); i++) {
      cmd.addAll(List.of(
          "-netdev", "tap,id=net" + i + ",ifname=" + s.nics().get(i)[0] + ",script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=net" + i + ",mac=" + s.nics().get(i)[1] + ",romfile="));
    }
    cmd.addAll(List.of("-device", "virtio-rng-pci",
        "-drive", "if=none,id=medium,format=raw,media=cdrom,readonly=on,file=" + s.iso(),
        "-device", "ide-cd,bus=ide.0,drive=medium,bootindex=0",
        "-drive", "if=none,id=disk,format=raw,file=" + s.disk(),
        "-device", "virtio-blk-pci,drive=disk,bootindex=1"));
    Path out = serialLog.resolveSibling(serialLog.getFileName() + ".qemu");
    LabChild c = LabChild.start("qemu " + s.name(), out, cmd);
    if (state != null) {
      state.process(c.name, c.pid());
    }
    return new Vm(c, serialLog, out);
  }

  /** The serial console so far, ANSI escape codes and carriage returns removed. */
  public String console() {
    try {
      return Files.exists(serialLog)
          ? ANSI.matcher(new String(Files.readAllBytes(serialLog), StandardCharsets.ISO_8859_1)).replaceAll("")
          : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for the first of the markers on the console; null on the deadline or when QEMU exits first. */
  public Seen await(Duration deadline, String... markers) {
    long end = start + deadline.toNanos();
    try {
      while (true) {
        boolean alive = qemu.process.isAlive();
        String c = console();
        String found = null;
        int best = -1;
        for (String m : markers) {
          int i = c.indexOf(m);
          if (i >= 0 && (best < 0 || i < best)) {
            best = i;
            found = m;
          }
        }
        if (found != null) {
          return new Seen(found, Duration.ofNanos(System.nanoTime() - start));
        }
        if (!alive || System.nanoTime() > end) {
          return null;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Waits for QEMU to exit (the guest powers off), at most {@code timeout}. */
  public boolean awaitPowerOff(Duration timeout) {
    try {
      return qemu.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What QEMU itself said, if anything. */
  public String qemuOutput() {
    try {
      return Files.exists(qemuOut) ? Files.readString(qemuOut).strip() : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Power off (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    qemu.close();
  }

  /**
   * KVM only when it really runs guest code (on some machines /dev/kvm exists but stops with
   * "KVM internal error"); otherwise TCG. NETTBOOT_QEMU_ACCEL=tcg|kvm overrides the probe.
   */
  public static String probeAccel() {
    String forced = System.getenv("NETTBOOT_QEMU_ACCEL");
    if (forced != null && !forced.isBlank()) {
      return forced;
    }
    if (!Files.exists(Path.of("/dev/kvm"))) {
      return "tcg";
    }
    try {
      Path tmp = Files.createTempDirectory("nettboot-kvm-probe");
      Path vars = tmp.resolve("vars.fd");
      Files.copy(Preflight.OVMF_VARS, vars);
      Path serial = tmp.resolve("serial.log");
      Path out = tmp.resolve("out");
      Process p = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35", "-accel", "kvm",
          "-m", "256", "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
          "-serial", "file:" + serial,
          "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + Preflight.OVMF_CODE,
          "-drive", "if=pflash,format=raw,unit=1,file=" + vars)
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      String result = "tcg";
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < end && p.isAlive()) {
        String s = Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
        if (s.contains("BdsDxe")) {
          result = "kvm";
          break;
        }
        if (Files.readString(out, StandardCharsets.ISO_8859_1).contains("KVM internal error")) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Teardown.deleteTree(tmp);
      return result;
    } catch (IOException e) {
      return "tcg";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "tcg";
    }
  }
}
