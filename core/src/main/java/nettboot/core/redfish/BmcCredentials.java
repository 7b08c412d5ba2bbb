package nettboot.core.redfish;

import java.util.Objects;

/** A BMC account. {@link #toString()} never shows the password. */
public record BmcCredentials(String user, String password) {
  public BmcCredentials {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "BmcCredentials[user=" + user + ", password=<redacted>]";
  }
}
