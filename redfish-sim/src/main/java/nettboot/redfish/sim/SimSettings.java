package nettboot.redfish.sim;

import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One simulated BMC's configuration.
 *
 * @param tls the server certificate and key; null serves plain HTTP (debugging only)
 * @param powerDelay how long a power transition takes
 * @param postDuration how long the system stays in POST after power-on (and at start for profiles
 *     that refuse changes during POST)
 */
public record SimSettings(VendorProfile profile, String user, String password, PemKeyCertOptions tls,
    List<Fault> faults, Duration powerDelay, Duration postDuration) {

  public SimSettings {
    Objects.requireNonNull(profile);
    Objects.requireNonNull(user);
    Objects.requireNonNull(password);
    faults = List.copyOf(faults);
  }

  public SimSettings withFaults(List<Fault> f) {
    return new SimSettings(profile, user, password, tls, f, powerDelay, postDuration);
  }

  public SimSettings withProfile(VendorProfile p) {
    return new SimSettings(p, user, password, tls, faults, powerDelay, postDuration);
  }

  long fault(Fault.Kind kind) {
    return faults.stream().filter(f -> f.kind() == kind).mapToLong(Fault::value).findFirst().orElse(0);
  }

  @Override
  public String toString() {
    return "SimSettings[profile=" + profile.name() + ", user=" + user + ", password=<redacted>, faults=" + faults + "]";
  }
}
