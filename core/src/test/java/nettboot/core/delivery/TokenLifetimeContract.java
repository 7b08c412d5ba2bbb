package nettboot.core.delivery;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import nettboot.core.error.ForbiddenException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Enrollment;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ArtifactRecord;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.MachineStore;
import nettboot.core.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A config token lives for its own boot only, on every store backend: minting revokes the
 * machine's older tokens, any state change kills them, and nothing brings one back.
 */
abstract class TokenLifetimeContract {
  static final String ACTOR = "admin:test";
  static final String YAML = "version: v1alpha1\n";

  Vertx vertx;
  Stores stores;
  MachineStore machines;
  ConfigStore configs;
  InstallArguments mint;
  ConfigDelivery delivery;
  String tenant;

  /** The stores on a database of its own (not yet migrated). */
  protected abstract Stores open(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    stores = open(vertx);
    await(stores.migrate());
    machines = stores.machines();
    configs = stores.configs();
    Clock clock = Clock.systemUTC();
    mint = new InstallArguments(configs,
        new DeliverySettings(4001, Duration.ofHours(1), "talos.config.early=x", -1), clock);
    delivery = new ConfigDelivery(machines, configs, clock);
    tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    for (String a : List.of("vmlinuz", "initramfs.xz")) {
      await(machines.putArtifact(new ArtifactRecord(a, "0".repeat(64), 1, Instant.now())));
    }
    await(machines.putProfile(new BootProfile(tenant + "-talos", tenant, "vmlinuz", "initramfs.xz",
        "console=ttyS0", Instant.now())));
  }

  @AfterEach
  void close() {
    stores.close();
    await(vertx.close());
  }

  private Machine enrollWithConfig() {
    Machine m = await(machines.enroll(Enrollment.of(UUID.randomUUID().toString(), List.of(), tenant,
        "worker", null, tenant + "-talos"), ACTOR, Instant.now()));
    await(configs.putConfig(new ConfigStore.StoredConfig(m.key(), YAML, "0".repeat(64), Instant.now())));
    return m;
  }

  /** One install boot of {@code m}: the token its kernel arguments carry. */
  /** An install boot of the machine as it is now (a boot is decided on the current record). */
  private String boot(Machine m) {
    Machine now = await(machines.find(id(m))).orElseThrow();
    String url = await(mint.forInstallBoot(now, "https://[fd00::1]:4000")).get(0);
    return url.substring(url.indexOf("token=") + "token=".length());
  }

  private Machine move(Machine m, MachineState to) {
    return await(machines.transition(id(m), to, OptionalLong.empty(), ACTOR, "test", Instant.now()));
  }

  private static MachineId id(Machine m) {
    return MachineId.parse(m.displayId());
  }

  private boolean delivers(Machine m, String token) {
    return delivery.fetch(id(m), token, "fd00::7").transform(ar -> {
      if (ar.failed() && !(ar.cause() instanceof ForbiddenException)) {
        throw new AssertionError("not a refusal: " + ar.cause(), ar.cause());
      }
      return io.vertx.core.Future.succeededFuture(ar.succeeded());
    }).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aTokenDiesWhenTheMachineLeavesItsBootsStateAndIsNeverRevived() {
    Machine m = move(enrollWithConfig(), MachineState.PROVISIONING);
    String provisioning = boot(m);
    assertThat(delivers(m, provisioning)).isTrue();
    move(m, MachineState.ACTIVE);
    assertThat(delivers(m, provisioning)).isFalse();
    move(m, MachineState.REPROVISION);
    assertThat(failure(delivery.fetch(id(m), provisioning, "fd00::7"))).isInstanceOf(ForbiddenException.class);
    // The reinstall's own boot gets a token of its own; it dies the same way.
    String reprovision = boot(m);
    assertThat(delivers(m, reprovision)).isTrue();
    move(m, MachineState.MAINTENANCE);
    move(m, MachineState.REPROVISION);
    assertThat(delivers(m, reprovision)).isFalse();
    assertThat(delivers(m, provisioning)).isFalse();
  }

  @Test
  void twoThousandBootsLeaveOneLiveTokenTheLatest() {
    Machine m = move(enrollWithConfig(), MachineState.PROVISIONING);
    List<String> minted = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      minted.add(boot(m));
    }
    int live = 0;
    for (String t : minted) {
      live += delivers(m, t) ? 1 : 0;
    }
    assertThat(live).isEqualTo(1);
    assertThat(delivers(m, minted.get(minted.size() - 1))).isTrue();
  }

  @Test
  void mintingForOneMachineLeavesAnotherMachinesTokenAlone() {
    Machine a = move(enrollWithConfig(), MachineState.PROVISIONING);
    Machine b = move(enrollWithConfig(), MachineState.PROVISIONING);
    String ta = boot(a);
    boot(b);
    move(b, MachineState.ACTIVE);
    assertThat(delivers(a, ta)).isTrue();
  }
}
