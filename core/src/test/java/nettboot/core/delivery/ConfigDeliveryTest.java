package nettboot.core.delivery;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ConfigStore;
import nettboot.core.talos.ConfigToken;
import nettboot.core.testsupport.ServiceStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config token rules over a real SQLite store. */
class ConfigDeliveryTest {
  static final String YAML = "version: v1alpha1\n";
  @TempDir
  Path dir;
  ServiceStores s;
  ConfigDelivery delivery;
  final ConfigToken tokens = new ConfigToken(new SecureRandom());

  @BeforeEach
  void open() {
    s = new ServiceStores(dir);
    delivery = new ConfigDelivery(s.machines, s.configs, s.clock);
    s.profile("acme", "talos");
  }

  @AfterEach
  void close() {
    s.close();
  }

  /** A machine with a config and a token minted for it now, valid for ten minutes. */
  private String tokenFor(Machine m) {
    await(s.configs.putConfig(new ConfigStore.StoredConfig(m.key(), YAML, "0".repeat(64), s.clock.instant())));
    return tokenOnly(m, m.tenant());
  }

  private String tokenOnly(Machine m, String tenant) {
    String t = tokens.mint();
    Instant now = s.clock.instant();
    long version = await(s.machines.find(MachineId.parse(m.displayId()))).orElseThrow().version();
    await(s.configs.putToken(new ConfigStore.TokenRecord(ConfigToken.hash(t), m.key(), tenant, "b1", now,
        now.plus(Duration.ofMinutes(10))), version));
    return t;
  }

  static MachineId id(Machine m) {
    return MachineId.parse(m.displayId());
  }

  @Test
  void aValidTokenDeliversTheConfigAndRecordsTheCanonicalSourceAddress() {
    Machine m = s.enroll("acme", "talos");
    String t = tokenFor(m);
    ConfigDelivery.Delivered d = await(delivery.fetch(id(m), t, "fd00:0:0:0:0:0:0:7%eth0"));
    assertThat(d).isEqualTo(new ConfigDelivery.Delivered(YAML, "acme", "b1"));
    assertThat(await(s.configs.fetchesFrom("fd00::7", s.clock.instant())))
        .singleElement().satisfies(f -> {
          assertThat(f.machineKey()).isEqualTo(m.key());
          assertThat(f.machineId()).isEqualTo(id(m).value());
        });
  }

  @Test
  void everyRefusalIsForbiddenAMissingOrMalformedTokenIncluded() {
    Machine m = s.enroll("acme", "talos");
    Machine other = s.enroll("acme", "talos");
    String t = tokenFor(m);
    assertThat(failure(delivery.fetch(id(m), "short", "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("malformed");
    assertThat(failure(delivery.fetch(id(m), null, "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("missing");
    assertThat(failure(delivery.fetch(id(m), tokens.mint(), "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("unknown");
    assertThat(failure(delivery.fetch(id(other), t, "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("another machine");
    String wrongTenant = tokenOnly(m, "globex");
    assertThat(failure(delivery.fetch(id(m), wrongTenant, "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("another machine");
  }

  @Test
  void aTokenExpiresAtItsExpiryInstant() {
    Machine m = s.enroll("acme", "talos");
    String t = tokenFor(m);
    s.clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(await(delivery.fetch(id(m), t, "fd00::7")).body()).isEqualTo(YAML);
    s.clock.advance(Duration.ofMillis(1));
    assertThat(failure(delivery.fetch(id(m), t, "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("expired");
  }

  @Test
  void tokensWorkOnlyInTheStateTheyWereMintedInAndAreNeverRevived() {
    Machine m = s.enroll("acme", "talos");
    String t = tokenFor(m);
    assertThat(await(delivery.fetch(id(m), t, "fd00::7")).body()).isEqualTo(YAML); // New
    move(m, MachineState.PROVISIONING);
    assertThat(failure(delivery.fetch(id(m), t, "fd00::7"))).isInstanceOf(ForbiddenException.class);
    String p = tokenOnly(m, "acme");
    assertThat(await(delivery.fetch(id(m), p, "fd00::7")).body()).isEqualTo(YAML);
    move(m, MachineState.ACTIVE);
    assertThat(failure(delivery.fetch(id(m), p, "fd00::7"))).isInstanceOf(ForbiddenException.class);
    move(m, MachineState.REPROVISION);
    assertThat(failure(delivery.fetch(id(m), p, "fd00::7"))).isInstanceOf(ForbiddenException.class);
    assertThat(failure(delivery.fetch(id(m), t, "fd00::7"))).isInstanceOf(ForbiddenException.class);
  }

  @Test
  void aTokenStoredWhileTheMachineIsInstalledIsRefused() {
    Machine m = s.enroll("acme", "talos");
    move(m, MachineState.PROVISIONING);
    move(m, MachineState.ACTIVE);
    String t = tokenFor(m);
    assertThat(failure(delivery.fetch(id(m), t, "fd00::7")))
        .isInstanceOf(ForbiddenException.class).hasMessageContaining("Active");
  }

  @Test
  void withoutAPublishedConfigItIsNotFound() {
    Machine m = s.enroll("acme", "talos");
    String t = tokenOnly(m, "acme");
    assertThat(failure(delivery.fetch(id(m), t, "fd00::7")))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no machine config");
  }

  private void move(Machine m, MachineState to) {
    await(s.machines.transition(id(m), to, OptionalLong.empty(), ServiceStores.ACTOR, "test", s.clock.instant()));
  }
}
