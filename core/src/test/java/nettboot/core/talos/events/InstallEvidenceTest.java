package nettboot.core.talos.events;

import static nettboot.core.testsupport.Futures.await;
import static nettboot.core.testsupport.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import nettboot.core.error.ConflictException;
import nettboot.core.machine.HistoryEntry;
import nettboot.core.machine.Machine;
import nettboot.core.machine.MachineId;
import nettboot.core.machine.MachineState;
import nettboot.core.store.ConfigStore;
import nettboot.core.store.ConflictRetry;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.ConfigToken;
import nettboot.core.talos.events.InstallEvidence.Attributed;
import nettboot.core.testsupport.ServiceStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Talos events as install evidence over a real SQLite store. */
class InstallEvidenceTest {
  static final TalosEvent BOOT_STARTS = new TalosEvent.Sequence("boot", TalosEvent.SequenceAction.START, null);
  static final TalosEvent INSTALL_STARTS = new TalosEvent.Sequence("install", TalosEvent.SequenceAction.START, null);
  static final TalosEvent INSTALL_FAILS = new TalosEvent.Sequence("install", TalosEvent.SequenceAction.STOP,
      "disk /dev/sda not found");

  @TempDir
  Path dir;
  ServiceStores s;
  InstallEvidence evidence;
  final ConfigToken tokens = new ConfigToken(new SecureRandom());

  @BeforeEach
  void open() {
    s = new ServiceStores(dir);
    evidence = evidence(s.machines);
    s.profile("acme", "talos");
  }

  @AfterEach
  void close() {
    s.close();
  }

  private InstallEvidence evidence(MachineStore machines) {
    return new InstallEvidence(machines, s.configs, new InstallTracker(16), s.clock);
  }

  /** A Provisioning machine whose config was fetched from {@code address} with a valid token. */
  private Machine fetchedFrom(String address) {
    Machine m = s.enroll("acme", "talos");
    move(m, MachineState.PROVISIONING);
    await(s.configs.putConfig(new ConfigStore.StoredConfig(m.key(), "x: 1\n", "0".repeat(64), s.clock.instant())));
    String hash = ConfigToken.hash(tokens.mint());
    Instant now = s.clock.instant();
    long version = await(s.machines.find(MachineId.parse(m.displayId()))).orElseThrow().version();
    await(s.configs.putToken(new ConfigStore.TokenRecord(hash, m.key(), "acme", "boot-" + m.key(), now,
        now.plus(Duration.ofMinutes(10))), version));
    await(s.configs.recordFetch(hash, m.displayId(), address, now));
    return m;
  }

  private Machine reload(Machine m) {
    return await(s.machines.find(MachineId.parse(m.displayId()))).orElseThrow();
  }

  @Test
  void installEvidenceMovesTheOneMachineToActiveWithTheEventInTheHistoryAndRevokesItsTokens() {
    Machine m = fetchedFrom("fd00::7");
    InstallEvidence.Outcome o = await(evidence.apply("fd00:0:0:0:0:0:0:7%eth0", BOOT_STARTS));
    assertThat(o).isInstanceOfSatisfying(Attributed.class, a -> {
      assertThat(a.fetch().machineKey()).isEqualTo(m.key());
      assertThat(a.effect()).isInstanceOf(InstallEvidence.Installed.class);
    });
    assertThat(reload(m).state()).isEqualTo(MachineState.ACTIVE);
    HistoryEntry last = await(s.machines.history(MachineId.parse(m.displayId()))).getLast();
    assertThat(last.actor()).isEqualTo(InstallEvidence.ACTOR_PREFIX + "fd00::7");
    assertThat(last.reason()).startsWith("install evidence from Talos: ").contains("boot sequence started");
    assertThat(await(s.configs.fetchesFrom("fd00::7", s.clock.instant()))).isEmpty();
  }

  @Test
  void aReplayedEventOrAMachineAnOperatorMovedChangesNothing() {
    Machine m = fetchedFrom("fd00::7");
    await(evidence.apply("fd00::7", INSTALL_STARTS));
    move(m, MachineState.MAINTENANCE);
    // The move revoked the boot's token, and with it the fetch its events were attributed by.
    InstallEvidence.Outcome o = await(evidence.apply("fd00::7", BOOT_STARTS));
    assertThat(o).isInstanceOf(InstallEvidence.Unattributed.class);
    assertThat(reload(m).state()).isEqualTo(MachineState.MAINTENANCE);
  }

  @Test
  void progressAndFailureAreReportedAndChangeNoState() {
    Machine m = fetchedFrom("fd00::7");
    assertThat(((Attributed) await(evidence.apply("fd00::7", INSTALL_STARTS))).effect())
        .isInstanceOf(InstallEvidence.Progress.class);
    assertThat(((Attributed) await(evidence.apply("fd00::7", INSTALL_FAILS))).effect())
        .isInstanceOfSatisfying(InstallEvidence.InstallFailed.class,
            f -> assertThat(f.reason()).contains("disk /dev/sda not found"));
    assertThat(reload(m).state()).isEqualTo(MachineState.PROVISIONING);
  }

  @Test
  void eventsFromAnAddressWithNoFetchOrSeveralMachinesAreIgnored() {
    Machine a = fetchedFrom("fd00::7");
    assertThat(await(evidence.apply("fd00::9", BOOT_STARTS))).isInstanceOf(InstallEvidence.Unattributed.class);
    Machine b = fetchedFrom("fd00::7");
    assertThat(await(evidence.apply("fd00::7", BOOT_STARTS))).isEqualTo(new InstallEvidence.Ambiguous(2));
    assertThat(reload(a).state()).isEqualTo(MachineState.PROVISIONING);
    assertThat(reload(b).state()).isEqualTo(MachineState.PROVISIONING);
  }

  @Test
  void aLostRaceIsRetriedOnTheFreshRecordABoundedNumberOfTimes() {
    Machine m = fetchedFrom("fd00::7");
    AtomicInteger calls = new AtomicInteger();
    InstallEvidence racy = evidence(ServiceStores.conflicting(s.machines, "transition", 2, calls));
    assertThat(((Attributed) await(racy.apply("fd00::7", BOOT_STARTS))).effect())
        .isInstanceOf(InstallEvidence.Installed.class);
    assertThat(calls).hasValue(3);
    assertThat(reload(m).state()).isEqualTo(MachineState.ACTIVE);

    Machine n = fetchedFrom("fd00::8");
    AtomicInteger always = new AtomicInteger();
    InstallEvidence lost = evidence(ServiceStores.conflicting(s.machines, "transition", 100, always));
    assertThat(failure(lost.apply("fd00::8", BOOT_STARTS))).isInstanceOf(ConflictException.class);
    assertThat(always).hasValue(ConflictRetry.MAX_ATTEMPTS);
    assertThat(reload(n).state()).isEqualTo(MachineState.PROVISIONING);
  }

  private void move(Machine m, MachineState to) {
    await(s.machines.transition(MachineId.parse(m.displayId()), to, OptionalLong.empty(), ServiceStores.ACTOR,
        "test", s.clock.instant()));
  }
}
