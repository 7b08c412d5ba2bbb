package nettboot.core.redfish;

import java.util.Objects;

/** One BMC to provision and the ISO URL it mounts. */
public record FleetJob(BmcTarget target, String mediaUrl) {
  public FleetJob {
    Objects.requireNonNull(target);
    Objects.requireNonNull(mediaUrl);
  }
}
