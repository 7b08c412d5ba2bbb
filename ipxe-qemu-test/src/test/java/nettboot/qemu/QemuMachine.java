package nettboot.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import nettboot.lab.Sh;

/**
 * One UEFI machine: qemu-system-x86_64 (KVM when it really works, TCG otherwise) with OVMF 4M
 * code read-only and a fresh copy of the variable store, a virtio NIC driven by iPXE's own driver
 * (empty option ROM) on the lab's tap inside the SW namespace, a virtio RNG, the medium as a USB
 * disk or a CD (boot index 0) and the "local disk" (boot index 1). The serial console goes to a
 * file that {@link #await} reads with ANSI escape codes stripped.
 */
final class QemuMachine implements AutoCloseable {
  enum Attach { USB, CD }

  /** @param smbiosUuid null: no SMBIOS UUID (iPXE then sees all zeros) */
  record Spec(Path medium, Attach attach, Path localDisk, String smbiosUuid, String mac) {}

  private static final Pattern ANSI = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[()][A-Za-z0-9]|\u001B[=>78cDEHM]|\r");

  final Path dir;
  final Path serialLog;
  final Process process;
  final long startNanos;
  final String accel;

  private QemuMachine(Path dir, Process process, String accel) {
    this.dir = dir;
    this.serialLog = dir.resolve("serial.log");
    this.process = process;
    this.accel = accel;
    this.startNanos = System.nanoTime();
  }

  /** Starts the machine now; its files (vars copy, serial log, QEMU's stderr) go to dir. */
  static QemuMachine boot(Ipv6Lab lab, Spec spec, Path dir) throws IOException {
    return boot(lab.swNs, lab.accel, spec, List.<String[]>of(new String[] {Ipv6Lab.TAP, spec.mac()}), dir);
  }

  /** The same machine inside namespace {@code ns} with one virtio NIC per {tap, MAC}, in order. */
  static QemuMachine boot(String ns, String accel, Spec spec, List<String[]> nics, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path vars = dir.resolve("OVMF_VARS_4M.fd");
    Files.copy(Prerequisites.OVMF_VARS, vars, StandardCopyOption.REPLACE_EXISTING);
    Path serial = dir.resolve("serial.log");
    Files.deleteIfExists(serial);
    List<String> cmd = new ArrayList<>(Sh.inNetns(ns, "qemu-system-x86_64",
        "-name", "nettboot-e2e", "-machine", "q35", "-accel", accel, "-m", "768", "-smp", "1",
        "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
        "-serial", "file:" + serial,
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + Prerequisites.OVMF_CODE,
        "-drive", "if=pflash,format=raw,unit=1,file=" + vars));
    if (spec.smbiosUuid() != null) {
      cmd.addAll(List.of("-smbios", "type=1,uuid=" + spec.smbiosUuid()));
    }
    for (int i = 0; i < nics.size(); i++) {
      cmd.addAll(List.of(
          "-netdev", "tap,id=net" + i + ",ifname=" + nics.get(i)[0] + ",script=no,downscript=no",
          "-device", "virtio-net-pci,netdev=net" + i + ",mac=" + nics.get(i)[1] + ",romfile="));
    }
    cmd.addAll(List.of("-device", "virtio-rng-pci"));
    switch (spec.attach()) {
      case USB -> cmd.addAll(List.of(
          "-device", "qemu-xhci,id=xhci",
          "-drive", "if=none,id=medium,format=raw,snapshot=on,file=" + spec.medium(),
          "-device", "usb-storage,bus=xhci.0,drive=medium,bootindex=0"));
      case CD -> cmd.addAll(List.of(
          "-drive", "if=none,id=medium,format=raw,media=cdrom,readonly=on,file=" + spec.medium(),
          "-device", "ide-cd,bus=ide.0,drive=medium,bootindex=0"));
    }
    cmd.addAll(List.of(
        "-drive", "if=none,id=disk,format=raw,snapshot=on,file=" + spec.localDisk(),
        "-device", "virtio-blk-pci,drive=disk,bootindex=1"));
    Files.writeString(dir.resolve("qemu.cmdline"), String.join(" ", cmd) + "\n");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(dir.resolve("qemu.out").toFile()).start();
    return new QemuMachine(dir, p, accel);
  }

  /** The serial console so far, ANSI escape codes and carriage returns removed. */
  String console() {
    try {
      if (!Files.exists(serialLog)) {
        return "";
      }
      return ANSI.matcher(new String(Files.readAllBytes(serialLog), StandardCharsets.ISO_8859_1)).replaceAll("");
    } catch (IOException e) {
      return "(cannot read " + serialLog + ": " + e.getMessage() + ")";
    }
  }

  /** The last lines of the console, for assertion messages. */
  String tail(int lines) {
    String[] all = console().split("\n");
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  record Seen(String marker, Duration elapsed) {}

  /**
   * Waits until the console shows one of the markers; returns the first seen and the time since
   * QEMU started. Fails with the console's tail on the deadline or when QEMU exits first.
   */
  Seen await(Duration deadline, String... markers) throws InterruptedException {
    long end = startNanos + deadline.toNanos();
    while (true) {
      boolean alive = process.isAlive();
      String c = console();
      int best = -1;
      String found = null;
      for (String m : markers) {
        int i = c.indexOf(m);
        if (i >= 0 && (best < 0 || i < best)) {
          best = i;
          found = m;
        }
      }
      if (found != null) {
        return new Seen(found, Duration.ofNanos(System.nanoTime() - startNanos));
      }
      if (!alive) {
        throw new AssertionError("QEMU exited (" + process.exitValue() + ") before any of "
            + List.of(markers) + "; " + describe());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("none of " + List.of(markers) + " within " + deadline.toSeconds()
            + " s; " + describe());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  String describe() {
    String qemuOut = "";
    try {
      qemuOut = Files.readString(dir.resolve("qemu.out"));
    } catch (IOException e) {
      // no output file yet
    }
    return "accel " + accel + ", logs in " + dir + (qemuOut.isBlank() ? "" : "\nQEMU said: " + qemuOut.strip())
        + "\n--- serial console (tail) ---\n" + tail(40);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    try {
      Files.writeString(dir.resolve("serial.clean.log"), console());
      Files.deleteIfExists(dir.resolve("OVMF_VARS_4M.fd"));
    } catch (IOException e) {
      // logs are best effort
    }
  }

  /** KVM only when it really runs guest code, else TCG (the lab module's probe). */
  static String probeAccel() {
    return nettboot.lab.Vm.probeAccel();
  }
}
