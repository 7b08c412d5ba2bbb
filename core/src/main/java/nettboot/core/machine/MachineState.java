package nettboot.core.machine;

import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;

/** The lifecycle states of a machine. See {@link Lifecycle} for the legal transitions. */
public enum MachineState {
  /** Enrolled, never netbooted: the first boot with an install profile starts Provisioning. */
  NEW("New"),
  /** Installing: every netboot serves the install profile until evidence says installed. */
  PROVISIONING("Provisioning"),
  /** Installed and running from its disk. */
  ACTIVE("Active"),
  /** Must be reinstalled: wipe once (Talos does not reinstall over an installation), then install. */
  REPROVISION("Reprovision"),
  /** Hands off: boots its disk, no automation touches it. */
  MAINTENANCE("Maintenance"),
  /** Being erased: erase once, then power off on every boot. */
  DECOMMISSION("Decommission"),
  /** Erased and retired (terminal): powered off on every boot, never boots its old disk. */
  DECOMMISSIONED("Decommissioned"),
  /** A step failed; boots its disk until an operator decides. */
  FAILED("Failed");

  private final String wireName;

  MachineState(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON, SQL and on the command line ("Provisioning"). */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }

  /** Parses a state name, case-insensitively. */
  public static MachineState parse(String text) {
    if (text != null) {
      for (MachineState s : values()) {
        if (s.wireName.equalsIgnoreCase(text.trim())) {
          return s;
        }
      }
    }
    StringBuilder names = new StringBuilder();
    for (MachineState s : values()) {
      names.append(names.isEmpty() ? "" : ", ").append(s.wireName);
    }
    throw new InvalidInputException("state", "unknown state " + ErrorText.printable(text)
        + "; expected one of " + names);
  }
}
