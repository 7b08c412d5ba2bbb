package nettboot.redfish.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one simulated BMC remembers. Touched only on that BMC's verticle context, so it needs
 * no locks; {@link SimulatedBmc#snapshot()} copies it out for tests.
 */
final class BmcState {
  /** the System's UUID (SMBIOS), new for every simulated BMC */
  String uuid = java.util.UUID.randomUUID().toString();
  /** the MAC of the System's one listed network interface; null lists none (a real backing's NICs) */
  String mac = String.format("52:54:00:%02x:%02x:%02x", new java.security.SecureRandom().nextInt(256),
      new java.security.SecureRandom().nextInt(256), new java.security.SecureRandom().nextInt(256));
  String powerState = "On";
  String bootTarget = "None";
  String bootEnabled = "Disabled";
  String bootMode = "UEFI";
  long systemVersion = 1;
  long inPostUntilMillis;
  long requests;
  int inserts;
  final Map<String, SlotState> slots = new LinkedHashMap<>();
  /** token → session id */
  final Map<String, String> sessions = new HashMap<>();
  int nextSession = 1;
  int nextTask = 1;
  final Map<String, SimTask> tasks = new HashMap<>();
  /** resources whose first conditional PATCH already got the injected 412 */
  final java.util.Set<String> staleServed = new java.util.HashSet<>();
  final List<BootRecord> boots = new ArrayList<>();

  BmcState(VendorProfile profile) {
    for (SlotSpec s : profile.slots()) {
      slots.put(s.id(), new SlotState(s));
    }
  }

  String systemEtag() {
    return "\"sys-" + systemVersion + "\"";
  }

  boolean inPost(long nowMillis) {
    return nowMillis < inPostUntilMillis;
  }

  /** The firmware boots: the override decides the device, and Once is used up. */
  BootRecord boot() {
    SlotState cd = slots.values().stream()
        .filter(s -> s.inserted && s.spec.mediaTypes().stream().anyMatch(t -> t.equals("CD") || t.equals("DVD")))
        .findFirst().orElse(null);
    boolean overrideCd = !bootEnabled.equals("Disabled") && (bootTarget.equals("Cd") || bootTarget.equals("UsbCd"));
    BootRecord r = overrideCd && cd != null
        ? new BootRecord(bootTarget, cd.image, bootEnabled)
        : new BootRecord("Hdd", null, bootEnabled);
    if (bootEnabled.equals("Once")) {
      bootEnabled = "Disabled";
      bootTarget = "None";
      systemVersion++;
    }
    boots.add(r);
    return r;
  }
}
