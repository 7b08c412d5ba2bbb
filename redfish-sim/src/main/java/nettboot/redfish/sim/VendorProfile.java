package nettboot.redfish.sim;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import nettboot.core.error.InvalidInputException;

/**
 * How one simulated BMC family behaves (DESIGN §6 quirks). Each field is one observable
 * difference; {@link #named(String)} gives the built-in profiles.
 *
 * @param mediaUnderSystems virtual media under {@code Systems/{id}} (iDRAC ≥ 6) instead of Managers
 * @param mediaActions InsertMedia/EjectMedia actions exist (XCC-like: PATCH only)
 * @param insertActionInfo InsertMedia carries {@code @Redfish.ActionInfo}
 * @param requiredInActionInfo InsertMedia parameters marked Required in the ActionInfo
 * @param requiredBy400 parameters the BMC requires but only names in a 400 when missing
 * @param rejectedParams parameters refused with a 400 naming them (Supermicro: Inserted/WriteProtected)
 * @param protocols TransferProtocolType AllowableValues; {@code [HTTPS]} refuses http:// URLs
 * @param protocolsOnAction the InsertMedia action itself carries TransferProtocolType@Redfish.AllowableValues
 * @param transientFirstInsert the first InsertMedia fails with a transient SYS518
 * @param ejectNeedsBody EjectMedia without a JSON body is a 400 (iLO)
 * @param refuseBootDuringPost boot override PATCHes fail while the system is in POST (iLO)
 * @param bootTargets BootSourceOverrideTarget AllowableValues
 * @param enabledValues BootSourceOverrideEnabled AllowableValues (XCC: no Continuous)
 * @param ifMatchRequired PATCH without If-Match is 428 Precondition Required
 * @param registry message-id prefix in errors
 * @param systemCount systems behind the one manager: 1, or several ({@code systemId} + 1, 2, …; a
 *     multi-node chassis), each with its own power, boot override and virtual media
 */
public record VendorProfile(String name, String vendor, String systemId, String managerId,
    boolean mediaUnderSystems, List<SlotSpec> slots, boolean mediaActions, boolean insertActionInfo,
    Set<String> requiredInActionInfo, Set<String> requiredBy400, Set<String> rejectedParams,
    List<String> protocols, boolean protocolsOnAction, boolean transientFirstInsert, boolean ejectNeedsBody,
    boolean refuseBootDuringPost, List<String> bootTargets, List<String> enabledValues,
    boolean ifMatchRequired, String registry, int systemCount) {

  public static final List<String> NAMES = List.of("generic", "idrac", "ilo", "supermicro", "xcc", "openbmc",
      "multi");

  private static final List<String> DMTF_TARGETS = List.of("None", "Pxe", "Cd", "Usb", "Hdd", "BiosSetup", "UefiShell",
      "UefiHttp");
  private static final List<String> ALL_ENABLED = List.of("Disabled", "Once", "Continuous");
  private static final List<String> HTTP_HTTPS = List.of("HTTP", "HTTPS");

  public static VendorProfile named(String name) {
    return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
      case "generic" -> new VendorProfile("generic", "DMTF", "1", "BMC", false,
          List.of(new SlotSpec("Cd", List.of("CD", "DVD")), new SlotSpec("Usb", List.of("USBStick"))),
          true, true, Set.of("Image"), Set.of(), Set.of(), HTTP_HTTPS, false, false, false, false,
          DMTF_TARGETS, ALL_ENABLED, false, "Base.1.15", 1);
      case "idrac" -> new VendorProfile("idrac", "Dell-like", "System.Embedded.1", "iDRAC.Embedded.1", true,
          List.of(new SlotSpec("1", List.of("CD", "DVD")), new SlotSpec("2", List.of("USBStick"))),
          true, false, Set.of(), Set.of("Inserted", "WriteProtected"), Set.of(), HTTP_HTTPS, false, true, false, false,
          List.of("None", "Pxe", "Floppy", "Cd", "Hdd", "BiosSetup", "Utilities", "UefiTarget", "SDCard", "UefiHttp"),
          ALL_ENABLED, false, "IDRAC.2.9", 1);
      case "ilo" -> new VendorProfile("ilo", "HPE-like", "1", "1", false,
          List.of(new SlotSpec("1", List.of("Floppy", "USBStick")), new SlotSpec("2", List.of("CD", "DVD"))),
          true, false, Set.of(), Set.of(), Set.of(), HTTP_HTTPS, false, false, true, true,
          List.of("None", "Cd", "Hdd", "Usb", "SDCard", "Utilities", "Diags", "BiosSetup", "Pxe", "UefiShell",
              "UefiHttp", "UefiTarget"),
          ALL_ENABLED, false, "iLO.2.18", 1);
      case "supermicro" -> new VendorProfile("supermicro", "Supermicro-like", "1", "1", false,
          List.of(new SlotSpec("CD1", List.of("CD", "DVD"))),
          true, false, Set.of(), Set.of(), Set.of("Inserted", "WriteProtected"), HTTP_HTTPS, true, false, false, false,
          List.of("None", "Pxe", "Floppy", "Hdd", "UsbCd", "UsbFloppy", "UsbHdd", "BiosSetup", "UefiShell"),
          ALL_ENABLED, false, "SMC.1.0", 1);
      case "xcc" -> new VendorProfile("xcc", "Lenovo-like", "1", "1", false,
          List.of(new SlotSpec("EXT1", List.of("CD", "DVD")), new SlotSpec("EXT2", List.of("USBStick"))),
          false, false, Set.of(), Set.of(), Set.of(), HTTP_HTTPS, false, false, false, false,
          List.of("None", "Pxe", "Cd", "Usb", "Hdd", "BiosSetup", "Diags", "UefiTarget"),
          List.of("Disabled", "Once"), true, "Base.1.15", 1);
      case "openbmc" -> new VendorProfile("openbmc", "OpenBMC-like", "system", "bmc", false,
          List.of(new SlotSpec("Slot_0", List.of("CD", "USBStick")), new SlotSpec("Slot_1", List.of("USBStick"))),
          true, true, Set.of("Image", "TransferProtocolType"), Set.of(), Set.of(), List.of("HTTPS"), false, false, false,
          false, List.of("None", "Pxe", "Hdd", "Cd", "Diags", "BiosSetup", "Usb"), ALL_ENABLED, false, "Base.1.15", 1);
      case "multi" -> new VendorProfile("multi", "Multi-node chassis (DMTF-like)", "Node", "Chassis", true,
          List.of(new SlotSpec("Cd", List.of("CD", "DVD"))),
          true, true, Set.of("Image"), Set.of(), Set.of(), HTTP_HTTPS, false, false, false, false,
          DMTF_TARGETS, ALL_ENABLED, false, "Base.1.15", 2);
      default -> throw new InvalidInputException("profile", "unknown profile '" + name + "'; one of " + NAMES);
    };
  }

  /** The same profile with other virtual-media slots (e.g. none CD-capable). */
  public VendorProfile withSlots(List<SlotSpec> s) {
    return new VendorProfile(name, vendor, systemId, managerId, mediaUnderSystems, s, mediaActions, insertActionInfo,
        requiredInActionInfo, requiredBy400, rejectedParams, protocols, protocolsOnAction, transientFirstInsert,
        ejectNeedsBody, refuseBootDuringPost, bootTargets, enabledValues, ifMatchRequired, registry, systemCount);
  }

  /** The same profile with other BootSourceOverrideTarget AllowableValues. */
  public VendorProfile withBootTargets(List<String> t) {
    return new VendorProfile(name, vendor, systemId, managerId, mediaUnderSystems, slots, mediaActions,
        insertActionInfo, requiredInActionInfo, requiredBy400, rejectedParams, protocols, protocolsOnAction,
        transientFirstInsert, ejectNeedsBody, refuseBootDuringPost, t, enabledValues, ifMatchRequired, registry,
        systemCount);
  }

  /** The Ids of the systems behind this BMC: {@code systemId}, or {@code systemId1, systemId2, …}. */
  public List<String> systemIds() {
    if (systemCount <= 1) {
      return List.of(systemId);
    }
    return java.util.stream.IntStream.rangeClosed(1, systemCount).mapToObj(i -> systemId + i).toList();
  }

  /** The URI of the (first) system's virtual-media collection. */
  public String mediaCollection() {
    return mediaCollection(systemIds().get(0));
  }

  /** The URI of the virtual-media collection serving the system {@code id}. */
  public String mediaCollection(String id) {
    return mediaUnderSystems
        ? "/redfish/v1/Systems/" + id + "/VirtualMedia"
        : "/redfish/v1/Managers/" + managerId + "/VirtualMedia";
  }
}
