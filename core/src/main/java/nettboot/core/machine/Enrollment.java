package nettboot.core.machine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import nettboot.core.error.InvalidInputException;

/**
 * A validated request to enrol a machine. At least one of UUID and MACs is required; MACs are
 * canonical and distinct, at most {@link #MAX_MACS} (a server has a handful of NICs; the bound
 * keeps every per-machine cost, the boot-path cache's included, small).
 */
public record Enrollment(
    Optional<MachineId.Uuid> uuid,
    List<MachineId.Mac> macs,
    String tenant,
    Role role,
    String hostname,
    String profile) {

  /** The most MACs one machine may have. */
  public static final int MAX_MACS = 16;

  public Enrollment {
    requireFewMacs(macs.size());
    macs = List.copyOf(new LinkedHashSet<>(macs));
    if (uuid.isEmpty() && macs.isEmpty()) {
      throw new InvalidInputException("uuid", "a machine needs a SMBIOS UUID or at least one MAC");
    }
    Names.requireTenant("tenant", tenant);
    if (role == null) {
      throw new InvalidInputException("role", "missing; expected controlplane or worker");
    }
    if (hostname != null) {
      Names.requireHostname("hostname", hostname);
    }
    if (profile != null) {
      Names.requireProfile("profile", profile);
    }
  }

  /** Parses raw field values as a client sent them. */
  public static Enrollment of(String uuid, List<String> macs, String tenant, String role,
      String hostname, String profile) {
    Optional<MachineId.Uuid> u = uuid == null || uuid.isEmpty()
        ? Optional.empty() : Optional.of(MachineId.parseUuid(uuid));
    List<MachineId.Mac> m = new ArrayList<>();
    if (macs != null) {
      requireFewMacs(macs.size());
      for (int i = 0; i < macs.size(); i++) {
        try {
          m.add(MachineId.parseMac(macs.get(i)));
        } catch (InvalidInputException e) {
          throw new InvalidInputException("macs[" + i + "]", e.getMessage().replaceFirst("^mac: ", ""));
        }
      }
    }
    return new Enrollment(u, m, tenant, role == null ? null : Role.parse(role), hostname, profile);
  }

  private static void requireFewMacs(int count) {
    if (count > MAX_MACS) {
      throw new InvalidInputException("macs", count + " MACs; a machine has at most " + MAX_MACS);
    }
  }
}
