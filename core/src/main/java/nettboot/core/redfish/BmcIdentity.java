package nettboot.core.redfish;

import java.util.List;

/**
 * Which BMC a report is about, as it describes itself; a value it did not give is null.
 *
 * @param vendor ServiceRoot {@code Vendor}
 * @param product ServiceRoot {@code Product}
 * @param redfishVersion ServiceRoot {@code RedfishVersion}
 * @param managerModel the Manager's {@code Model}
 * @param firmwareVersion the Manager's {@code FirmwareVersion}
 * @param systems every System the BMC lists ({@code @odata.id})
 * @param managers every Manager the BMC lists ({@code @odata.id})
 * @param system the System this run used, or null when none was chosen
 * @param systemUuid that System's {@code UUID}
 * @param systemSerial that System's {@code SerialNumber}
 * @param systemModel that System's {@code Manufacturer} and {@code Model}
 */
public record BmcIdentity(String vendor, String product, String redfishVersion, String managerModel,
    String firmwareVersion, List<String> systems, List<String> managers, String system, String systemUuid,
    String systemSerial, String systemModel) {
  public BmcIdentity {
    systems = systems == null ? List.of() : List.copyOf(systems);
    managers = managers == null ? List.of() : List.copyOf(managers);
  }
}
