package nettboot.core.talos.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import nettboot.core.talos.events.InstallProgress.Installed;
import nettboot.core.talos.events.InstallProgress.InstallFailed;
import nettboot.core.talos.events.InstallProgress.Progress;
import nettboot.core.talos.events.InstallProgress.State;
import nettboot.core.talos.events.InstallProgress.Verdict;
import nettboot.core.talos.events.TalosEvent.Action;
import nettboot.core.talos.events.TalosEvent.SequenceAction;
import org.junit.jupiter.api.Test;

/** The install-evidence rule: a contract over every state × event, plus Talos's real orders. */
class InstallProgressTest {

  static TalosEvent seq(String name, SequenceAction a) {
    return new TalosEvent.Sequence(name, a, null);
  }

  static TalosEvent phase(String name, Action a) {
    return new TalosEvent.Phase(name, a);
  }

  /** Runs events from the initial state; returns every verdict. */
  static List<Verdict> run(TalosEvent... events) {
    State s = State.INITIAL;
    List<Verdict> out = new ArrayList<>();
    for (TalosEvent e : events) {
      InstallProgress.Step step = InstallProgress.apply(s, e);
      s = step.next();
      out.add(step.verdict());
    }
    return out;
  }

  static final TalosEvent[] INSTALL_RUN = {
      seq("initialize", SequenceAction.START), new TalosEvent.MachineStatus(TalosEvent.Stage.BOOTING, false),
      seq("initialize", SequenceAction.STOP),
      seq("install", SequenceAction.START), phase("env", Action.START), phase("env", Action.STOP),
      phase("install", Action.START), new TalosEvent.Task("install", Action.START),
      new TalosEvent.Task("install", Action.STOP), phase("install", Action.STOP),
      phase("saveConfig", Action.START), phase("saveConfig", Action.STOP),
      phase("reboot", Action.START)};

  @Test
  void aSuccessfulInstallIsEvidenceAtTheFirstPhaseAfterTheInstallPhase() {
    List<Verdict> v = run(INSTALL_RUN);
    int first = -1;
    for (int i = 0; i < v.size(); i++) {
      if (v.get(i) instanceof Installed && first < 0) {
        first = i;
      }
    }
    assertThat(first).as("index of the first Installed verdict").isEqualTo(10); // saveConfig START
    assertThat(((Installed) v.get(10)).evidence()).contains("phase saveConfig");
    assertThat(v.subList(0, 10)).allMatch(x -> x instanceof Progress);
  }

  @Test
  void anInstallSequenceThatStopsCleanlyAfterItsInstallPhaseIsEvidence() {
    List<Verdict> v = run(seq("install", SequenceAction.START), phase("install", Action.START),
        phase("install", Action.STOP), seq("install", SequenceAction.STOP));
    assertThat(v.get(3)).isInstanceOf(Installed.class);
  }

  @Test
  void anInstallSequenceWithoutAnInstallPhaseIsNotEvidence() {
    // An already-installed disk: the install sequence has nothing to do.
    assertThat(run(seq("install", SequenceAction.START), seq("install", SequenceAction.STOP)))
        .allMatch(x -> x instanceof Progress);
  }

  @Test
  void aFailedInstallIsAFailureAndNeverEvidence() {
    List<Verdict> v = run(seq("install", SequenceAction.START), phase("install", Action.START),
        phase("install", Action.STOP), // deferred: Talos reports the stop even when the phase failed
        new TalosEvent.Sequence("install", SequenceAction.STOP, "failed to install bootloader"));
    assertThat(v.subList(0, 3)).allMatch(x -> x instanceof Progress);
    assertThat(v.get(3)).isInstanceOfSatisfying(InstallFailed.class,
        f -> assertThat(f.reason()).contains("failed to install bootloader"));
  }

  @Test
  void theBootSequenceStartingIsEvidence() {
    assertThat(run(seq("boot", SequenceAction.START)).get(0)).isInstanceOf(Installed.class);
    assertThat(run(seq("boot", SequenceAction.STOP)).get(0)).isInstanceOf(Progress.class);
  }

  @Test
  void phasesOutsideTheInstallSequenceAreNotEvidence() {
    // A reboot sequence (talosctl reboot) has a reboot phase too.
    assertThat(run(seq("reboot", SequenceAction.START), phase("install", Action.STOP),
        phase("reboot", Action.START))).allMatch(x -> x instanceof Progress);
    // An install sequence interrupted by another sequence does not leak its state into it.
    assertThat(run(seq("install", SequenceAction.START), phase("install", Action.STOP),
        seq("shutdown", SequenceAction.START), phase("stopEverything", Action.START)))
        .allMatch(x -> x instanceof Progress);
  }

  @Test
  void aRestartedInstallSequenceStartsOver() {
    assertThat(run(seq("install", SequenceAction.START), phase("install", Action.STOP),
        seq("install", SequenceAction.START), phase("env", Action.START)))
        .allMatch(x -> x instanceof Progress);
  }

  @Test
  void contractOverEveryStateAndEvent() {
    List<TalosEvent> events = new ArrayList<>();
    for (String name : List.of("install", "boot", "initialize", "reboot", "upgrade")) {
      for (SequenceAction a : SequenceAction.values()) {
        events.add(new TalosEvent.Sequence(name, a, null));
        events.add(new TalosEvent.Sequence(name, a, "boom"));
      }
      for (Action a : Action.values()) {
        events.add(new TalosEvent.Phase(name, a));
        events.add(new TalosEvent.Task(name, a));
      }
    }
    for (TalosEvent.Stage st : TalosEvent.Stage.values()) {
      events.add(new TalosEvent.MachineStatus(st, true));
      events.add(new TalosEvent.MachineStatus(st, false));
    }
    events.add(new TalosEvent.ConfigError("bad config"));
    events.add(new TalosEvent.Other("type.googleapis.com/machine.ServiceStateEvent"));
    for (boolean in : new boolean[] {false, true}) {
      for (boolean done : new boolean[] {false, true}) {
        State s = new State(in, done);
        for (TalosEvent e : events) {
          InstallProgress.Step step = InstallProgress.apply(s, e);
          Verdict v = step.verdict();
          boolean bootStart = e instanceof TalosEvent.Sequence q && q.sequence().equals("boot")
              && q.action() == SequenceAction.START;
          boolean installStopOk = e instanceof TalosEvent.Sequence q && q.sequence().equals("install")
              && q.action() == SequenceAction.STOP && !q.failed();
          boolean phaseAfterInstall = e instanceof TalosEvent.Phase p && in && done
              && p.action() == Action.START;
          boolean expectInstalled = bootStart || (installStopOk && done) || phaseAfterInstall;
          assertThat(v instanceof Installed).as(s + " + " + e).isEqualTo(expectInstalled);
          boolean installFailed = e instanceof TalosEvent.Sequence q && q.sequence().equals("install")
              && q.action() == SequenceAction.STOP && q.failed();
          assertThat(v instanceof InstallFailed).as(s + " + " + e).isEqualTo(installFailed);
          // Status, task, config-error and unknown events never change the state.
          if (e instanceof TalosEvent.MachineStatus || e instanceof TalosEvent.Task
              || e instanceof TalosEvent.ConfigError || e instanceof TalosEvent.Other) {
            assertThat(step.next()).as(s + " + " + e).isEqualTo(s);
          }
          // Applying the same event again gives the same verdict kind (events arrive at least once).
          InstallProgress.Step again = InstallProgress.apply(step.next(), e);
          if (!(e instanceof TalosEvent.Sequence q && q.sequence().equals("install"))) {
            assertThat(again.verdict().getClass()).as("replayed " + s + " + " + e).isEqualTo(v.getClass());
          }
        }
      }
    }
  }
}
