package nettboot.core.redfish;

/**
 * What the boot override achieved (or, in a read-only check, would achieve).
 *
 * @param target {@code Cd} or {@code UsbCd}
 * @param enabled {@code Continuous}, or {@code Once} on BMCs that refuse Continuous
 * @param mode {@code UEFI}, or empty when the BMC does not offer the mode
 * @param permanent whether the virtual CD stays first across resets nett-boot does not make
 */
public record BootInterception(String target, String enabled, String mode, boolean permanent) {
  public String describe() {
    String m = mode.isEmpty() ? "" : " " + mode;
    return target + " " + enabled + m + (permanent
        ? ": permanent boot interception achievable"
        : ": permanent boot interception NOT achievable (Once only; nett-boot re-applies it before "
            + "each of its own power actions, a reset by anyone else boots the disk)");
  }
}
