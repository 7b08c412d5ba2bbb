package nettboot.core.admin;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigValidator;
import nettboot.core.talos.TalosSchema;
import nettboot.core.testsupport.ServiceStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The admin rules over a real SQLite store and the real Talos schema. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminServiceTest {
  static final String CONFIG = "version: v1alpha1\nmachine:\n  type: worker\n";
  ConfigValidator validator;
  @TempDir
  Path dir;
  ServiceStores s;
  AdminService admin;

  @BeforeAll
  void loadSchema() {
    validator = new ConfigValidator(TalosSchema.load());
  }

  @BeforeEach
  void open() {
    s = new ServiceStores(dir);
    admin = new AdminService(s.machines, s.configs, () -> validator, s.vertx, s.clock);
  }

  @AfterEach
  void close() {
    s.close();
  }

  @AfterAll
  void done() {
    validator = null;
  }

  static MachineId id(Machine m) {
    return MachineId.parse(m.displayId());
  }

  @Test
  void aProfileNeedsItsKernelAndInitrdUploadedFirst() {
    BootProfile p = new BootProfile("talos", "acme", "vmlinuz", "initramfs.xz", "", s.clock.instant());
    assertThat(failure(admin.putProfile(p)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("kernel"));
    s.profile("acme", "other"); // uploads both artifacts
    assertThat(await(admin.putProfile(p)).name()).isEqualTo("talos");
    assertThat(await(admin.profile("talos")).kernel()).isEqualTo("vmlinuz");
    assertThat(failure(admin.profile("absent"))).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aTransitionReasonIsOneLineOfBoundedLength() {
    Machine m = s.enroll("acme", null);
    assertThat(failure(admin.transition(id(m), MachineState.MAINTENANCE, OptionalLong.empty(), "admin:a", "a\nb")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("reason"));
    assertThat(failure(admin.transition(id(m), MachineState.MAINTENANCE, OptionalLong.empty(), "admin:a",
        "x".repeat(AdminService.MAX_REASON + 1)))).isInstanceOf(InvalidInputException.class);
    Machine moved = await(admin.transition(id(m), MachineState.MAINTENANCE, OptionalLong.empty(), "admin:a",
        "x".repeat(AdminService.MAX_REASON)));
    assertThat(moved.state()).isEqualTo(MachineState.MAINTENANCE);
    assertThat(await(admin.history(id(m))).getLast().actor()).isEqualTo("admin:a");
  }

  @Test
  void aConfigIsSchemaCheckedThenStoredWithItsDigest() {
    Machine m = s.enroll("acme", null);
    assertThat(failure(admin.putConfig(id(m), "version: v1alpha1\nmachine:\n  tpye: worker\n")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(failure(admin.putConfig(id(m), "# nothing\n")))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("body"));
    assertThat(failure(admin.config(id(m)))).isInstanceOf(NotFoundException.class);
    ConfigStore.StoredConfig saved = await(admin.putConfig(id(m), CONFIG));
    assertThat(saved.sha256()).isEqualTo(ArtifactStore.sha256(CONFIG.getBytes(StandardCharsets.UTF_8)));
    assertThat(await(admin.config(id(m)))).isEqualTo(CONFIG);
  }

  @Test
  void unknownMachinesAreNotFound() {
    MachineId unknown = MachineId.parse("52:54:00:00:00:09");
    assertThat(failure(admin.machine(unknown))).isInstanceOf(NotFoundException.class);
    assertThat(failure(admin.putConfig(unknown, CONFIG))).isInstanceOf(NotFoundException.class);
    assertThat(failure(admin.config(unknown))).isInstanceOf(NotFoundException.class);
  }
}
