package nettboot.core.redfish;

/**
 * A verdict on one thing nett-boot needs from a BMC.
 *
 * @param name {@code virtual-media}, {@code boot-override}, {@code uefi}, {@code power-actions},
 *     {@code sessions}, {@code task-monitors}, {@code etags}
 * @param verdict one of the values documented per name in {@code docs/redfish-report.md}
 *     ({@code unknown} when the run did not get that far)
 * @param detail why, one line
 */
public record Capability(String name, String verdict, String detail) {
  /** Every capability, in report order. */
  public static final java.util.List<String> NAMES = java.util.List.of("virtual-media", "boot-override", "uefi",
      "power-actions", "sessions", "task-monitors", "etags");

  public Capability {
    detail = OneLine.of(detail);
  }
}
