package nettboot.core.machine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A machine record as the store keeps it.
 *
 * @param key internal, immutable primary key (random; never derived from hardware ids)
 * @param uuid the SMBIOS UUID, when known
 * @param macs the enrolled MACs (canonical), possibly empty when a UUID is given
 * @param tenant the owning tenant
 * @param role controlplane or worker
 * @param hostname the node name, may be null
 * @param profile the name of the boot profile used for installs, may be null
 * @param state the lifecycle state
 * @param version optimistic-concurrency version, bumped by every change
 * @param wipeServed whether the one-shot wipe/erase netboot was already served in this state
 */
public record Machine(
    String key,
    Optional<MachineId.Uuid> uuid,
    List<MachineId.Mac> macs,
    String tenant,
    Role role,
    String hostname,
    String profile,
    MachineState state,
    long version,
    boolean wipeServed,
    Instant createdAt,
    Instant updatedAt) {

  public Machine {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uuid, "uuid");
    macs = List.copyOf(macs);
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Whether {@code id} names this machine (its UUID or one of its MACs). */
  public boolean answersTo(MachineId id) {
    return switch (id) {
      case MachineId.Uuid u -> uuid.isPresent() && uuid.get().equals(u);
      case MachineId.Mac m -> macs.contains(m);
    };
  }

  /** The most stable public name: the UUID, else the first MAC. */
  public String displayId() {
    return uuid.map(MachineId.Uuid::value).orElseGet(() -> macs.get(0).value());
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Copy-with builder. */
  public static final class Builder {
    private String key;
    private Optional<MachineId.Uuid> uuid;
    private List<MachineId.Mac> macs;
    private String tenant;
    private Role role;
    private String hostname;
    private String profile;
    private MachineState state;
    private long version;
    private boolean wipeServed;
    private Instant createdAt;
    private Instant updatedAt;

    private Builder(Machine m) {
      key = m.key;
      uuid = m.uuid;
      macs = m.macs;
      tenant = m.tenant;
      role = m.role;
      hostname = m.hostname;
      profile = m.profile;
      state = m.state;
      version = m.version;
      wipeServed = m.wipeServed;
      createdAt = m.createdAt;
      updatedAt = m.updatedAt;
    }

    public Builder profile(String v) {
      profile = v;
      return this;
    }

    public Builder hostname(String v) {
      hostname = v;
      return this;
    }

    public Builder state(MachineState v) {
      state = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public Builder wipeServed(boolean v) {
      wipeServed = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Machine build() {
      return new Machine(key, uuid, macs, tenant, role, hostname, profile, state, version,
          wipeServed, createdAt, updatedAt);
    }
  }
}
