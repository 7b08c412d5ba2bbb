package nettboot.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import nettboot.cli.Await;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.boot.BootDecider;
import nettboot.core.boot.BootDecision;
import nettboot.core.boot.IpxeScript;
import nettboot.core.error.UnavailableException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.machine.Role;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.MachineStore;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.Stores;

/**
 * The lab both servers of the reboot-storm benchmark serve, under a temp directory: a fresh lab
 * PKI, a SQLite store with the machines enrolled in Provisioning and the artifacts, and nginx's
 * document root (the same artifact inodes, and each machine's boot script rendered by the same
 * {@link IpxeScript} the edge uses).
 */
final class StormLab {
  static final String TENANT = "storm";
  static final String PROFILE = "storm-install";
  static final String KERNEL = "storm-kernel";
  static final String INITRAMFS = "storm-initramfs";
  static final String ISO = "storm-iso";
  static final String HOST = "::1";

  private StormLab() {}

  /** The n-th benchmark machine ('bench boot' enrols the same ids). */
  static String machineId(int i) {
    return String.format("b0000000-0000-4000-8000-%012d", i + 1);
  }

  /** Artifact sizes of a run. */
  record Sizes(long kernel, long initramfs, long iso) {}

  /** The prepared lab: PKI, SQLite data with enrolled machines and artifacts, nginx document root. */
  record Lab(Path dir, EmbeddedCa ca, Path data, Path files, Path www, int machines, Sizes sizes) {
    Path tenantCert() {
      return ca.tenantCertPath(TENANT);
    }

    Path tenantKey() {
      return ca.tenantKeyPath(TENANT);
    }
  }

  static Lab prepare(Path dir, int machines, Sizes sizes, int nginxPort) throws IOException {
    EmbeddedCa ca = EmbeddedCa.init(dir.resolve("pki"), "boot.storm.test",
        List.of(HOST, "127.0.0.1", "localhost"), Clock.systemUTC());
    ca.issueTenant(TENANT);
    Path files = dir.resolve("files");
    Path data = dir.resolve("data");
    Path www = dir.resolve("www");
    Files.createDirectories(files);
    Files.createDirectories(data);
    Files.createDirectories(www.resolve("v1").resolve("boot"));
    Files.createDirectories(www.resolve("v1").resolve("artifacts"));
    // Kernel and initramfs: random content; the ISO: sparse (virtual media reads mostly zeros too).
    writeRandom(files.resolve(KERNEL), sizes.kernel());
    writeRandom(files.resolve(INITRAMFS), sizes.initramfs());
    try (RandomAccessFile f = new RandomAccessFile(files.resolve(ISO).toFile(), "rw")) {
      f.setLength(sizes.iso());
      f.seek(0);
      f.write(("CD001 nett-boot storm ISO\n").getBytes(StandardCharsets.US_ASCII));
    }
    Vertx vertx = Vertx.vertx();
    Stores stores = StoreFactory.sqlite(vertx, data);
    MachineStore store = stores.machines();
    try {
      Duration t = Duration.ofMinutes(5);
      Await.result(stores.migrate(), t, "migrating the storm store");
      ArtifactStore blobs = new ArtifactStore(data.resolve("artifacts"));
      Instant now = Instant.now();
      for (String name : List.of(KERNEL, INITRAMFS, ISO)) {
        Path incoming = blobs.newIncomingFile();
        Files.createLink(incoming, files.resolve(name)); // the same inode for both servers
        ArtifactStore.Stored s = blobs.commit(incoming, null);
        Await.result(store.putArtifact(new ArtifactRecord(name, s.sha256(), s.size(), now)), t, "artifact");
        Files.createLink(www.resolve("v1").resolve("artifacts").resolve(name), files.resolve(name));
      }
      BootProfile profile = Await.result(store.putProfile(new BootProfile(PROFILE, TENANT, KERNEL,
          INITRAMFS, "talos.platform=metal console=tty0 console=ttyS0,115200n8", now)), t, "profile");
      String nginxBase = "https://[" + HOST + "]:" + nginxPort;
      int batch = 256;
      for (int from = 0; from < machines; from += batch) {
        List<Future<Machine>> fs = new ArrayList<>();
        for (int i = from; i < Math.min(machines, from + batch); i++) {
          MachineId.Uuid id = new MachineId.Uuid(machineId(i));
          fs.add(store.enroll(new Enrollment(Optional.of(id), List.of(), TENANT, Role.WORKER,
                  "storm-" + i, PROFILE), "bench", now)
              .compose(m -> store.transition(id, MachineState.PROVISIONING, java.util.OptionalLong.empty(),
                  "bench", "reboot storm", now)));
        }
        for (Future<Machine> f : fs) {
          Machine m = Await.result(f, t, "enrolling");
          BootDecision d = BootDecider.decide(m, Optional.of(profile));
          if (!(d instanceof BootDecision.Netboot n)) {
            throw new UnavailableException("storm machine " + m.displayId() + " would not netboot: " + d, null);
          }
          Files.writeString(www.resolve("v1").resolve("boot").resolve(m.uuid().orElseThrow().value()),
              IpxeScript.netboot(m, n, nginxBase), StandardCharsets.UTF_8);
        }
        if (machines > 2000 && (from / batch) % 8 == 7) {
          System.err.printf("storm: enrolled %d/%d machines%n", Math.min(machines, from + batch), machines);
        }
      }
    } finally {
      stores.close();
      Await.result(vertx.close(), Duration.ofSeconds(10), "closing");
    }
    openUp(dir);
    return new Lab(dir, ca, data, files, www, machines, sizes);
  }

  private static void writeRandom(Path p, long size) throws IOException {
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(p)) {
      for (long left = size; left > 0; left -= block.length) {
        ThreadLocalRandom.current().nextBytes(block);
        out.write(block, 0, (int) Math.min(left, block.length));
      }
    }
  }

  /** nginx workers run unprivileged: the document root and the files must be world-readable. */
  private static void openUp(Path dir) throws IOException {
    for (Path p : List.of(dir, dir.resolve("files"), dir.resolve("www"), dir.resolve("www/v1"),
        dir.resolve("www/v1/boot"), dir.resolve("www/v1/artifacts"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    try (var s = Files.walk(dir.resolve("www"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p)) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
    }
  }
}
