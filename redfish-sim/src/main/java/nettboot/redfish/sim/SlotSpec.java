package nettboot.redfish.sim;

import java.util.List;

/** A virtual-media slot a profile offers: its id and MediaTypes. */
public record SlotSpec(String id, List<String> mediaTypes) {
  public SlotSpec {
    mediaTypes = List.copyOf(mediaTypes);
  }
}
