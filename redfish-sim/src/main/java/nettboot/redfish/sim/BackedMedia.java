package nettboot.redfish.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;

/**
 * Virtual media on a real system: the image inserted into the BMC's first CD/DVD slot is
 * downloaded into the backing's media file and shown to the system (at once when it runs, else at
 * its next start); eject deletes it. Blocking work runs on the BMC's ordered workers.
 */
final class BackedMedia {
  private final Context context;
  private final SystemBacking backing;
  private final SlotSpec cdSlot;

  BackedMedia(Vertx vertx, SystemBacking backing, VendorProfile profile) {
    this.context = vertx.getOrCreateContext();
    this.backing = backing;
    this.cdSlot = profile.slots().stream()
        .filter(s -> s.mediaTypes().contains("CD") || s.mediaTypes().contains("DVD")).findFirst().orElse(null);
  }

  /** Whether this slot is the system's CD drive (other slots are only modelled). */
  boolean backs(SlotState s) {
    return s.spec.equals(cdSlot);
  }

  Future<MediaFetcher.Fetched> insert(MediaFetcher fetcher, String url) {
    return fetcher.fetch(url, backing.mediaFile()).compose(f -> context.executeBlocking(() -> {
      backing.mediaChanged();
      return f;
    }, true));
  }

  Future<Void> eject() {
    return context.executeBlocking(() -> {
      Files.deleteIfExists(backing.mediaFile());
      backing.mediaChanged();
      return null;
    }, true);
  }

  /** A BMC starts with empty slots: an image left from an earlier run is not inserted. */
  Future<Void> forgetLeftovers() {
    return eject();
  }
}
