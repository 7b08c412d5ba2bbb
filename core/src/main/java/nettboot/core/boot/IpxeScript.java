package nettboot.core.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.BootProfile;
import nettboot.core.machine.Machine;

/**
 * Renders iPXE scripts. Every interpolated value is validated to a shape that cannot break out of
 * its line (names are restricted by {@code Names}, the command line is printable ASCII, the base URL
 * is checked here), so no client input ever becomes script syntax.
 */
public final class IpxeScript {
  /** {@code https://host[:port]} where host is a bracketed IPv6 literal, IPv4 or DNS name. */
  private static final Pattern BASE_URL = Pattern.compile(
      "https://(\\[[0-9a-fA-F:.]+(%25[A-Za-z0-9._-]+)?\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?");

  private IpxeScript() {}

  /**
   * The netboot script: kernel and initrd fetched from {@code baseUrl}/v1/artifacts/, the profile's
   * command line plus the decision's extra arguments. Failure to fetch or boot falls through to
   * {@code exit 1}, so the firmware moves on to the next boot entry.
   */
  public static String netboot(Machine machine, BootDecision.Netboot decision, String baseUrl) {
    requireBaseUrl(baseUrl);
    BootProfile p = decision.profile();
    List<String> args = new ArrayList<>();
    args.add("initrd=initrd");
    if (!p.cmdline().isEmpty()) {
      args.add(p.cmdline());
    }
    for (String extra : decision.extraKernelArgs()) {
      BootProfile.requireScriptSafe("kernel argument", extra);
      args.add(extra);
    }
    String cmdline = String.join(" ", args);
    if (cmdline.length() > BootProfile.MAX_CMDLINE) {
      throw new InvalidInputException("cmdline", "kernel command line of " + cmdline.length()
          + " characters exceeds the budget of " + BootProfile.MAX_CMDLINE);
    }
    String artifacts = baseUrl + "/v1/artifacts/";
    return "#!ipxe\n"
        + "# nett-boot: " + decision.purpose().name().toLowerCase(java.util.Locale.ROOT)
        + " machine " + machine.displayId() + " tenant " + machine.tenant()
        + " profile " + p.name() + "\n"
        + "kernel --timeout 30000 " + artifacts + p.kernel() + " " + cmdline + " || goto failed\n"
        + "initrd --timeout 30000 --name initrd " + artifacts + p.initrd() + " || goto failed\n"
        + "boot || goto failed\n"
        + ":failed\n"
        + "echo nett-boot: netboot failed, handing over to the next boot entry\n"
        + "exit 1\n";
  }

  /** The decommissioned answer: never boot the old disk, power off (or halt if that fails). */
  public static String powerOff(Machine machine, String reason) {
    BootProfile.requireScriptSafe("reason", reason);
    return "#!ipxe\n"
        + "# nett-boot: power off machine " + machine.displayId() + "\n"
        + "echo nett-boot: " + reason + "\n"
        + "poweroff ||\n"
        + ":halt\n"
        + "sleep 3600 ||\n"
        + "goto halt\n";
  }

  /**
   * The refusal: the state asks for a netboot that cannot be served. Says why on the console and
   * holds the machine (it never boots its disk); the operator sets the profile and power-cycles it.
   */
  public static String refused(Machine machine, String reason) {
    BootProfile.requireScriptSafe("reason", reason);
    return "#!ipxe\n"
        + "# nett-boot: refused machine " + machine.displayId() + "\n"
        + ":hold\n"
        + "echo nett-boot: refused: " + reason + "\n"
        + "sleep 3600 ||\n"
        + "goto hold\n";
  }

  private static void requireBaseUrl(String baseUrl) {
    if (baseUrl == null || !BASE_URL.matcher(baseUrl).matches()) {
      throw new InvalidInputException("baseUrl", "not an https://host[:port] URL: " + baseUrl);
    }
  }
}
