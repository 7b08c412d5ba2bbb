package nettboot.core.redfish;

import java.util.Objects;

/** One node to provision: its BMC (and system), the ISO URL it mounts and who the node is. */
public record FleetJob(BmcTarget target, String mediaUrl, NodeIdentity identity) {
  public FleetJob {
    Objects.requireNonNull(target);
    Objects.requireNonNull(mediaUrl);
    Objects.requireNonNull(identity);
  }

  public FleetJob(BmcTarget target, String mediaUrl) {
    this(target, mediaUrl, NodeIdentity.unknown());
  }
}
