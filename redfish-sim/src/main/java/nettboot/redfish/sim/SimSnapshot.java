package nettboot.redfish.sim;

import java.util.List;

/**
 * A copy of one simulated BMC's state for tests and operators.
 *
 * @param cdImage the image in the first CD/DVD slot, or null
 * @param downloadedBytes bytes the BMC really fetched for that image
 * @param uuid the System's UUID
 * @param mac the MAC of the System's listed network interface, or null
 */
public record SimSnapshot(String powerState, String bootTarget, String bootEnabled, String bootMode, String cdImage,
    boolean cdInserted, long downloadedBytes, String downloadedSha256, List<BootRecord> boots, long requests,
    int openSessions, String uuid, String mac) {}
