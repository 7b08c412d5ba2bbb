package nettboot.core.machine;

import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;

/** The Talos machine type. */
public enum Role {
  CONTROLPLANE("controlplane"),
  WORKER("worker");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }

  public static Role parse(String text) {
    if (text != null) {
      for (Role r : values()) {
        if (r.wireName.equalsIgnoreCase(text.trim())) {
          return r;
        }
      }
    }
    throw new InvalidInputException("role",
        "unknown role " + ErrorText.printable(text) + "; expected controlplane or worker");
  }
}
