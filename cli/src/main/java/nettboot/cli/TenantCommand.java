package nettboot.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A tenant's lifecycle settings, through the admin API. */
@Command(name = "tenant", mixinStandardHelpOptions = true,
    description = "A tenant's lifecycle settings: rescue and secure-erase profiles, media URL for BMCs.",
    subcommands = {TenantCommand.Settings.class})
final class TenantCommand {

  @Command(name = "settings", mixinStandardHelpOptions = true,
      description = {"Show or set a tenant's settings. Maintenance netboots the rescue profile;",
          "Decommission netboots the secure-erase profile once, then powers off; without them a",
          "machine in those states is refused (never sent to its disk). The media URL is what",
          "'machine state … --reboot' mounts on the machine's BMC. Setting replaces all three."})
  static final class Settings implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "TENANT")
    String tenant;

    @Option(names = "--rescue-profile", description = "Profile Maintenance boots (the tenant's own)")
    String rescue;

    @Option(names = "--erase-profile", description = "Profile Decommission boots once (the tenant's own)")
    String erase;

    @Option(names = "--media-url", description = "The tenant's boot ISO as the BMCs fetch it")
    String mediaUrl;

    @Option(names = "--show", description = "Only show the current settings")
    boolean show;

    @Override
    public void run() {
      String path = "/v1/admin/tenants/" + MachineCommand.enc(tenant) + "/settings";
      try (AdminClient c = admin.connect()) {
        JsonObject r = show ? c.get(path) : c.put(path, new JsonObject().put("rescueProfile", rescue)
            .put("eraseProfile", erase).put("mediaUrl", mediaUrl));
        System.out.println("tenant " + r.getString("tenant") + ": rescue " + r.getString("rescueProfile", "-")
            + ", erase " + r.getString("eraseProfile", "-") + ", media " + r.getString("mediaUrl", "-"));
      }
    }
  }
}
