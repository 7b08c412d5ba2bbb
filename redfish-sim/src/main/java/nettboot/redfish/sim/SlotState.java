package nettboot.redfish.sim;

/** One virtual-media slot's mutable state (touched only on its BMC's context). */
final class SlotState {
  final SlotSpec spec;
  String image;
  boolean inserted;
  boolean writeProtected = true;
  long version = 1;
  long bytes;
  String sha256;

  SlotState(SlotSpec spec) {
    this.spec = spec;
  }

  String etag() {
    return "\"" + spec.id() + "-" + version + "\"";
  }
}
