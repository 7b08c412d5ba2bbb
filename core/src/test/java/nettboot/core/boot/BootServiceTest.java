package nettboot.core.boot;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nettboot.core.delivery.DeliverySettings;
import nettboot.core.delivery.InstallArguments;
import nettboot.core.error.ConflictException;
import nettboot.core.machine.HistoryEntry;
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

/** The boot answer over a real SQLite store: decide, record, mint, render. */
class BootServiceTest {
  static final String BASE = "https://[fd00::1]:8443";
  static final Pattern TOKEN = Pattern.compile("talos\\.config=https://\\[fd00::1\\]:9443/v1/config/(\\S+)\\?token=(\\S+)");
  static final DeliverySettings SETTINGS = new DeliverySettings(9443, Duration.ofMinutes(30),
      "talos.config.early=AAAA", 50001);

  @TempDir
  Path dir;
  ServiceStores s;
  BootService boot;

  @BeforeEach
  void open() {
    s = new ServiceStores(dir);
    boot = new BootService(s.machines, new InstallArguments(s.configs, SETTINGS, s.clock), s.clock);
    s.profile("acme", "talos");
  }

  @AfterEach
  void close() {
    s.close();
  }

  static MachineId id(Machine m) {
    return MachineId.parse(m.displayId());
  }

  @Test
  void anUnknownIdAndAnotherTenantsMachineAreBothNotFoundOnlyTheLogLearnsTheOwner() {
    Machine m = s.enroll("acme", "talos");
    BootAnswer unknown = await(boot.answer("acme", MachineId.parse("52:54:00:00:00:01"), BASE));
    BootAnswer foreign = await(boot.answer("globex", id(m), BASE));
    assertThat(unknown).isEqualTo(new BootAnswer.NotFound(Optional.empty()));
    assertThat(unknown.outcome()).isEqualTo("unknown");
    assertThat(foreign).isEqualTo(new BootAnswer.NotFound(Optional.of("acme")));
    assertThat(foreign.outcome()).isEqualTo("foreign");
    assertThat(await(s.machines.find(id(m)))).get().extracting(Machine::state).isEqualTo(MachineState.NEW);
  }

  @Test
  void theFirstInstallBootMovesNewToProvisioningBeforeTheScriptIsServed() {
    Machine m = s.enroll("acme", "talos");
    BootAnswer a = await(boot.answer("acme", id(m), BASE));
    assertThat(a).isInstanceOfSatisfying(BootAnswer.Script.class, sc -> {
      assertThat(sc.outcome()).isEqualTo("install");
      assertThat(sc.script()).startsWith("#!ipxe\n").contains(BASE + "/v1/artifacts/vmlinuz")
          .contains(BootDecider.HALT_IF_INSTALLED).doesNotContain("talos.config=");
    });
    Machine after = await(s.machines.find(id(m))).orElseThrow();
    assertThat(after.state()).isEqualTo(MachineState.PROVISIONING);
    HistoryEntry last = await(s.machines.history(id(m))).getLast();
    assertThat(last.actor()).isEqualTo(BootService.SYSTEM_ACTOR);
    // Provisioning serves the install again without another transition.
    assertThat(await(boot.answer("acme", id(m), BASE)).outcome()).isEqualTo("install");
    assertThat(await(s.machines.find(id(m))).orElseThrow().version()).isEqualTo(after.version());
  }

  @Test
  void reprovisionWipesExactlyOnceRecordedBeforeItIsServedThenInstalls() {
    Machine m = toState(s.enroll("acme", "talos"), MachineState.PROVISIONING, MachineState.ACTIVE,
        MachineState.REPROVISION);
    BootAnswer wipe = await(boot.answer("acme", id(m), BASE));
    assertThat(wipe.outcome()).isEqualTo("wipe");
    assertThat(((BootAnswer.Script) wipe).script()).contains(BootDecider.WIPE_SYSTEM);
    assertThat(await(s.machines.find(id(m))).orElseThrow().wipeServed()).isTrue();
    assertThat(await(boot.answer("acme", id(m), BASE)).outcome()).isEqualTo("install");
  }

  @Test
  void activeBootsItsDiskAndDecommissionWithoutAnEraseProfileIsRefusedNotSentToDisk() {
    Machine active = toState(s.enroll("acme", "talos"), MachineState.PROVISIONING, MachineState.ACTIVE);
    assertThat(await(boot.answer("acme", id(active), BASE))).isInstanceOf(BootAnswer.Localboot.class);
    Machine gone = toState(s.enroll("acme", null), MachineState.DECOMMISSION);
    BootAnswer refused = await(boot.answer("acme", id(gone), BASE));
    assertThat(refused.outcome()).isEqualTo("refused");
    assertThat(((BootAnswer.Script) refused).script()).contains("no secure-erase profile")
        .doesNotContain("exit");
  }

  @Test
  void anInstallBootOfAMachineWithAConfigGetsAFreshHashedTokenAndTheTalosArguments() {
    Machine m = s.enroll("acme", "talos");
    await(s.configs.putConfig(new ConfigStore.StoredConfig(m.key(), "version: v1alpha1\n", "0".repeat(64),
        s.clock.instant())));
    String script = ((BootAnswer.Script) await(boot.answer("acme", id(m), BASE))).script();
    Matcher t = TOKEN.matcher(script);
    assertThat(t.find()).as(script).isTrue();
    assertThat(t.group(1)).isEqualTo(m.displayId());
    assertThat(script).contains(" talos.config.early=AAAA").contains(" talos.events.sink=[fd00::1]:50001");
    ConfigStore.TokenRecord rec = await(s.configs.token(ConfigToken.hash(t.group(2)))).orElseThrow();
    assertThat(rec.machineKey()).isEqualTo(m.key());
    assertThat(rec.tenant()).isEqualTo("acme");
    assertThat(rec.expiresAt()).isEqualTo(s.clock.instant().plus(SETTINGS.tokenTtl()));
    String again = ((BootAnswer.Script) await(boot.answer("acme", id(m), BASE))).script();
    assertThat(TOKEN.matcher(again).results().map(r -> r.group(2))).doesNotContain(t.group(2));
  }

  @Test
  void withTheSinkOffFewerArgumentsAreAdded() {
    Machine m = s.enroll("acme", "talos");
    await(s.configs.putConfig(new ConfigStore.StoredConfig(m.key(), "version: v1alpha1\n", "0".repeat(64),
        s.clock.instant())));
    BootService noSink = new BootService(s.machines, new InstallArguments(s.configs,
        new DeliverySettings(443, Duration.ofMinutes(5), "talos.config.early=AAAA", -1), s.clock), s.clock);
    assertThat(((BootAnswer.Script) await(noSink.answer("acme", id(m), BASE))).script())
        .contains("talos.config=https://[fd00::1]/v1/config/").doesNotContain("talos.events.sink");
  }

  @Test
  void aLostRaceIsDecidedAgainOnTheFreshRecordABoundedNumberOfTimes() {
    Machine m = s.enroll("acme", "talos");
    AtomicInteger calls = new AtomicInteger();
    BootService racy = new BootService(ServiceStores.conflicting(s.machines, "transition", 1, calls),
        installArguments(), s.clock);
    assertThat(await(racy.answer("acme", id(m), BASE)).outcome()).isEqualTo("install");
    assertThat(calls).hasValue(2);

    Machine n = s.enroll("acme", "talos");
    AtomicInteger always = new AtomicInteger();
    BootService lost = new BootService(ServiceStores.conflicting(s.machines, "transition", 100, always),
        installArguments(), s.clock);
    assertThat(failure(lost.answer("acme", id(n), BASE))).isInstanceOf(ConflictException.class);
    assertThat(always).hasValue(nettboot.core.store.ConflictRetry.MAX_ATTEMPTS);
    assertThat(await(s.machines.find(id(n))).orElseThrow().state()).isEqualTo(MachineState.NEW);
  }

  private InstallArguments installArguments() {
    return new InstallArguments(s.configs,
        new DeliverySettings(443, Duration.ofMinutes(5), "talos.config.early=AAAA", -1), s.clock);
  }

  private Machine toState(Machine m, MachineState... path) {
    Machine cur = m;
    for (MachineState to : path) {
      cur = await(s.machines.transition(id(m), to, OptionalLong.empty(), ServiceStores.ACTOR, "test",
          s.clock.instant()));
    }
    return cur;
  }
}
