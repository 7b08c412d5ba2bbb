package nettboot.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Boot profiles: what a netboot loads. */
@Command(name = "profile", mixinStandardHelpOptions = true,
    description = "Create, replace and list boot profiles (kernel + initrd artifacts + command line).",
    subcommands = {ProfileCommand.Put.class, ProfileCommand.ListProfiles.class})
final class ProfileCommand {

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Create or replace a profile; its artifacts must have been uploaded.")
  static final class Put implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--tenant", required = true)
    String tenant;

    @Option(names = "--kernel", required = true, description = "Kernel artifact name")
    String kernel;

    @Option(names = "--initrd", required = true, description = "Initrd artifact name")
    String initrd;

    @Option(names = "--cmdline", defaultValue = "", description = "Kernel command line")
    String cmdline;

    @Override
    public void run() {
      // The profile's own rule, checked before connecting: the same error the server gives.
      nettboot.core.machine.KernelArguments.require("--cmdline", cmdline.strip());
      try (AdminClient c = admin.connect()) {
        JsonObject p = c.put("/v1/admin/profiles/" + MachineCommand.enc(name), new JsonObject()
            .put("tenant", tenant).put("kernel", kernel).put("initrd", initrd).put("cmdline", cmdline));
        System.out.println("saved profile " + p.getString("name") + " for tenant " + p.getString("tenant"));
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List profiles.")
  static final class ListProfiles implements Runnable {
    @Mixin AdminOptions admin;

    @Override
    public void run() {
      try (AdminClient c = admin.connect()) {
        JsonArray ps = c.get("/v1/admin/profiles").getJsonArray("profiles");
        for (int i = 0; i < ps.size(); i++) {
          JsonObject p = ps.getJsonObject(i);
          System.out.printf("%-20s  %-12s  %-24s  %-24s  %s%n", p.getString("name"), p.getString("tenant"),
              p.getString("kernel"), p.getString("initrd"), p.getString("cmdline"));
        }
      }
    }
  }
}
