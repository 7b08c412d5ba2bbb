package nettboot.redfish.sim.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.redfish.sim.SystemBacking;

/**
 * A machine that is a QEMU VM: one QEMU process per power-on (Off = no process). Its directory
 * ({@link VmSpec}) keeps the disk and the firmware variables between power cycles. Every method
 * blocks; power and media operations are serialized.
 */
public final class QemuVm implements SystemBacking {
  /** A power-on: the process, its QMP connection and how it was started. */
  private static final class Running {
    final Process process;
    final Qmp qmp;
    final List<String> command;
    /** set before we end the process, so its end is not reported as the guest's doing */
    volatile boolean stopping;

    Running(Process process, Qmp qmp, List<String> command) {
      this.process = process;
      this.qmp = qmp;
      this.command = command;
    }
  }

  private static final Duration QMP_DEADLINE = Duration.ofSeconds(30);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final VmSpec spec;
  private final Object lock = new Object();
  private volatile Running current;
  private volatile ExitListener listener;
  private volatile boolean closed;
  private int powerOns;

  public QemuVm(VmSpec spec) {
    this.spec = spec;
  }

  public VmSpec spec() {
    return spec;
  }

  /**
   * Creates the directory, the disk (once) and the variable store (once), and ends a QEMU an
   * earlier run of this machine left behind (its pid file names it). Idempotent.
   */
  public void prepare() throws IOException {
    synchronized (lock) {
      Files.createDirectories(spec.dir());
      killLeftover();
      if (!Files.exists(spec.disk())) {
        createDisk();
      }
      if (!Files.exists(spec.efiVars())) {
        Path tmp = spec.efiVars().resolveSibling("efivars.fd.part");
        Files.copy(spec.arch().firmwareVars, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, spec.efiVars(), StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  private void createDisk() throws IOException {
    Path tmp = spec.dir().resolve("disk.part");
    switch (spec.diskFormat()) {
      case RAW -> {
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
          f.setLength(spec.diskBytes()); // sparse
        }
      }
      case QCOW2 -> {
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", tmp.toString(),
            String.valueOf(spec.diskBytes())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (waitFor(p, KILL_WAIT) != 0) {
          throw new IOException("qemu-img could not create " + spec.disk() + ": " + out.strip());
        }
      }
    }
    Files.move(tmp, spec.disk(), StandardCopyOption.ATOMIC_MOVE);
  }

  private void killLeftover() throws IOException {
    if (!Files.exists(spec.pidFile())) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(spec.pidFile()).strip());
      ProcessHandle.of(pid).filter(h -> h.info().commandLine().map(c -> c.contains(spec.qmpSocket().toString()))
          .orElse(false)).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().orTimeout(KILL_WAIT.toSeconds(), TimeUnit.SECONDS).exceptionally(t -> null).join();
          });
    } catch (NumberFormatException e) {
      // not a pid: nothing to end
    }
    Files.deleteIfExists(spec.pidFile());
  }

  @Override
  public void start(FirstDevice first) throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException(spec.name() + " is shut down with its simulator");
      }
      Running r = current;
      if (r != null && r.process.isAlive()) {
        throw new IllegalStateException(spec.name() + " is already running");
      }
      prepare();
      boolean media = Files.exists(spec.media());
      List<String> cmd = QemuCommand.build(spec, first, media);
      powerOns++;
      String banner = "\n=== nett-boot: " + spec.name() + " power-on " + powerOns + " at " + Instant.now()
          + ", first " + first + ", CD " + (media ? "holds media" : "empty") + " ===\n";
      Files.writeString(spec.serialLog(), banner, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Files.writeString(spec.commandLine(), String.join(" ", cmd) + "\n", StandardCharsets.UTF_8);
      Files.deleteIfExists(spec.qmpSocket());
      Process p = new ProcessBuilder(cmd)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.qemuLog().toFile()))
          .start();
      Qmp qmp;
      try {
        qmp = Qmp.connect(spec.qmpSocket(), p, QMP_DEADLINE);
      } catch (IOException | InterruptedException e) {
        kill(p);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IOException(spec.name() + ": QEMU did not start (" + e.getMessage() + "): " + qemuLogTail(), e);
      }
      Running started = new Running(p, qmp, List.copyOf(cmd));
      current = started;
      p.onExit().thenRun(() -> exited(started));
    }
  }

  /** The process ended: unless we stopped it, tell the BMC why (guest power-off or reset). */
  private void exited(Running r) {
    if (r.stopping) {
      return;
    }
    String reason = r.qmp.shutdownReason();
    r.qmp.close();
    ExitListener l = listener;
    if (l != null) {
      l.exited("guest-reset".equals(reason));
    }
  }

  @Override
  public void stop(boolean graceful) throws IOException {
    synchronized (lock) {
      Running r = current;
      if (r == null) {
        return;
      }
      r.stopping = true;
      try {
        if (graceful && r.process.isAlive()) {
          try {
            r.qmp.execute("system_powerdown", null);
          } catch (IOException e) {
            // QEMU is going away anyway
          }
          if (!r.process.waitFor(spec.gracefulTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            kill(r.process);
          }
        } else {
          kill(r.process);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill(r.process);
      } finally {
        r.qmp.close();
        current = null;
        Files.deleteIfExists(spec.qmpSocket());
        Files.deleteIfExists(spec.pidFile());
      }
      if (r.process.isAlive()) {
        throw new IOException(spec.name() + ": QEMU (pid " + r.process.pid() + ") did not end");
      }
    }
  }

  private static void kill(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy(); // SIGTERM: QEMU ends at once
    try {
      if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int waitFor(Process p, Duration d) throws IOException {
    try {
      if (!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out after " + d.toSeconds() + " s");
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public boolean running() {
    Running r = current;
    return r != null && r.process.isAlive();
  }

  @Override
  public Path mediaFile() {
    return spec.media();
  }

  /** While QEMU runs: the media file goes into the CD drive (QMP blockdev-change-medium), or out of it. */
  @Override
  public void mediaChanged() throws IOException {
    synchronized (lock) {
      Running r = current;
      if (r == null || !r.process.isAlive()) {
        return; // the next start attaches what is there
      }
      Qmp q = r.qmp;
      if (Files.exists(spec.media())) {
        q.execute("blockdev-change-medium", q.args().put("id", "cdrom").put("filename", spec.media().toString())
            .put("format", "raw").put("read-only-mode", "read-only"));
      } else if (cdInserted(q)) {
        q.execute("eject", q.args().put("id", "cdrom").put("force", true));
      }
    }
  }

  private static boolean cdInserted(Qmp q) throws IOException {
    for (JsonNode b : q.execute("query-block", null)) {
      if (b.path("qdev").asText().equals("cdrom") || b.path("device").asText().equals("cd0")) {
        return b.has("inserted");
      }
    }
    return false;
  }

  @Override
  public void onExit(ExitListener l) {
    this.listener = l;
  }

  /** Ends the VM at once, even while a graceful shutdown waits for the guest; no start afterwards. */
  @Override
  public void close() {
    closed = true;
    Running r = current;
    if (r != null) {
      r.stopping = true;
      kill(r.process);
    }
    try {
      stop(false);
    } catch (IOException e) {
      // best effort: the process was told to end
    }
  }

  // ---- for operators and tests ----

  /** The running QEMU's block devices (QMP query-block), or null when off. */
  public JsonNode queryBlock() throws IOException {
    synchronized (lock) {
      Running r = current;
      return r == null || !r.process.isAlive() ? null : r.qmp.execute("query-block", null);
    }
  }

  /** The command line of the current (or last) power-on, or an empty list before the first. */
  public List<String> commandLine() throws IOException {
    Running r = current;
    if (r != null) {
      return r.command;
    }
    return Files.exists(spec.commandLine())
        ? List.of(Files.readString(spec.commandLine()).strip().split(" ")) : List.of();
  }

  /** The QEMU process id while it runs. */
  public long pid() {
    Running r = current;
    return r == null || !r.process.isAlive() ? -1 : r.process.pid();
  }

  /** The serial console since the last power-on's banner. */
  public String consoleSinceLastStart() throws IOException {
    if (!Files.exists(spec.serialLog())) {
      return "";
    }
    String all = Files.readString(spec.serialLog(), StandardCharsets.ISO_8859_1);
    int i = all.lastIndexOf("=== nett-boot: " + spec.name() + " power-on ");
    return i < 0 ? all : all.substring(i);
  }

  private String qemuLogTail() {
    try {
      if (!Files.exists(spec.qemuLog())) {
        return "(no output)";
      }
      List<String> lines = Files.readAllLines(spec.qemuLog(), StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
    } catch (IOException e) {
      return "(cannot read " + spec.qemuLog() + ")";
    }
  }
}
