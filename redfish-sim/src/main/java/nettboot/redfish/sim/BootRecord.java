package nettboot.redfish.sim;

/** One simulated boot: the device the firmware chose, the image it booted (for Cd), the override mode then. */
public record BootRecord(String device, String image, String overrideEnabled) {}
