package nettboot.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Machine inventory and lifecycle, through the admin API. */
@Command(name = "machine", mixinStandardHelpOptions = true,
    description = {"Enrol machines and drive their lifecycle through the admin API.",
        "States: New, Provisioning, Active, Reprovision, Maintenance, Decommission, Decommissioned, Failed."},
    subcommands = {MachineCommand.Enroll.class, MachineCommand.ListMachines.class,
        MachineCommand.Show.class, MachineCommand.State.class, MachineCommand.History.class,
        MachineCommand.SetProfile.class, MachineCommand.PutConfig.class, MachineCommand.SetBmc.class})
final class MachineCommand {

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = "Enrol a machine (state New). Give its SMBIOS UUID and/or MACs.")
  static final class Enroll implements Runnable {
    @Mixin AdminOptions admin;

    @Option(names = "--uuid", description = "SMBIOS UUID (as in 'dmidecode -s system-uuid')")
    String uuid;

    @Option(names = "--mac", description = "A MAC of the machine; repeat for several")
    List<String> macs;

    @Option(names = "--tenant", required = true, description = "Owning tenant")
    String tenant;

    @Option(names = "--role", defaultValue = "worker", description = "controlplane or worker (default: ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--hostname", description = "Node name")
    String hostname;

    @Option(names = "--profile", description = "Install boot profile (of the same tenant)")
    String profile;

    @Override
    public void run() {
      JsonObject body = new JsonObject().put("tenant", tenant).put("role", role);
      if (uuid != null) {
        body.put("uuid", uuid);
      }
      if (macs != null) {
        body.put("macs", new JsonArray(macs));
      }
      if (hostname != null) {
        body.put("hostname", hostname);
      }
      if (profile != null) {
        body.put("profile", profile);
      }
      try (AdminClient c = admin.connect()) {
        JsonObject m = c.post("/v1/admin/machines", body);
        System.out.println("enrolled " + id(m) + " (tenant " + m.getString("tenant") + ", state "
            + m.getString("state") + ", key " + m.getString("key") + ")");
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List machines.")
  static final class ListMachines implements Runnable {
    @Mixin AdminOptions admin;

    @Option(names = "--tenant", description = "Only this tenant's machines")
    String tenant;

    @Override
    public void run() {
      try (AdminClient c = admin.connect()) {
        JsonObject r = c.get("/v1/admin/machines" + (tenant == null ? "" : "?tenant=" + enc(tenant)));
        JsonArray ms = r.getJsonArray("machines");
        System.out.printf("%-36s  %-17s  %-12s  %-12s  %-14s  %s%n", "UUID", "MAC", "TENANT", "ROLE", "STATE", "PROFILE");
        for (int i = 0; i < ms.size(); i++) {
          JsonObject m = ms.getJsonObject(i);
          JsonArray macs = m.getJsonArray("macs");
          System.out.printf("%-36s  %-17s  %-12s  %-12s  %-14s  %s%n",
              m.getString("uuid", "-"), macs.isEmpty() ? "-" : macs.getString(0),
              m.getString("tenant"), m.getString("role"), m.getString("state"),
              m.getString("profile", "-"));
        }
        System.out.println(ms.size() + " machine(s)");
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one machine as JSON.")
  static final class Show implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Override
    public void run() {
      try (AdminClient c = admin.connect()) {
        System.out.println(c.get("/v1/admin/machines/" + enc(id)).encodePrettily());
      }
    }
  }

  @Command(name = "state", mixinStandardHelpOptions = true,
      description = {"Move a machine to another lifecycle state (one transaction with a history row).",
          "An illegal transition is refused with the list of legal ones."})
  static final class State implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Parameters(index = "1", paramLabel = "STATE", description = "Target state, e.g. Reprovision")
    String state;

    @Option(names = "--reason", defaultValue = "", description = "Why (kept in the history)")
    String reason;

    @Option(names = "--expected-version", description = "Refuse unless the machine is still at this version")
    Long expectedVersion;

    @Option(names = "--reboot", description = {"Then power-cycle it through its BMC (Reprovision, Maintenance,",
        "Decommission): the server re-mounts the tenant's media, sets the boot override and resets it;",
        "the result is in the history. Exit 7 when the BMC failed (the transition stands)."})
    boolean reboot;

    @Override
    public void run() {
      JsonObject body = new JsonObject().put("state", state).put("reason", reason);
      if (expectedVersion != null) {
        body.put("expectedVersion", expectedVersion);
      }
      if (reboot) {
        body.put("reboot", true);
      }
      try (AdminClient c = admin.connect()) {
        JsonObject m = c.put("/v1/admin/machines/" + enc(id) + "/state", body);
        System.out.println(id(m) + " is now " + m.getString("state") + " (version "
            + m.getLong("version") + ")");
        JsonObject r = m.getJsonObject("reboot");
        if (r != null) {
          System.out.println(r.getString("result"));
          if (!r.getBoolean("ok")) {
            throw new RedfishCommand.PartialFailure();
          }
        }
      }
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "Show a machine's transitions, oldest first.")
  static final class History implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Override
    public void run() {
      try (AdminClient c = admin.connect()) {
        JsonArray h = c.get("/v1/admin/machines/" + enc(id) + "/history").getJsonArray("history");
        System.out.printf("%-24s  %-14s  %-14s  %-40s  %s%n", "AT", "FROM", "TO", "ACTOR", "REASON");
        for (int i = 0; i < h.size(); i++) {
          JsonObject e = h.getJsonObject(i);
          System.out.printf("%-24s  %-14s  %-14s  %-40s  %s%n", e.getString("at"),
              e.getValue("from") == null ? "-" : e.getString("from"), e.getString("to"), e.getString("actor"), e.getString("reason"));
        }
      }
    }
  }

  @Command(name = "set-profile", mixinStandardHelpOptions = true, description = "Change a machine's install profile.")
  static final class SetProfile implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Parameters(index = "1", paramLabel = "PROFILE", description = "Profile name, or '-' to clear")
    String profile;

    @Override
    public void run() {
      JsonObject body = new JsonObject().put("profile", "-".equals(profile) ? null : profile);
      try (AdminClient c = admin.connect()) {
        JsonObject m = c.put("/v1/admin/machines/" + enc(id) + "/profile", body);
        System.out.println(id(m) + " now installs profile " + m.getString("profile", "(none)"));
      }
    }
  }

  @Command(name = "put-config", mixinStandardHelpOptions = true,
      description = {"Store a machine's Talos config (multi-document YAML, e.g. from 'talos gen').",
          "The server checks it against the Talos schema. Install netboots of the machine then carry",
          "talos.config=<config listener URL with a per-boot token> and talos.config.early.",
          "The config holds cluster secrets: keep the file private."})
  static final class PutConfig implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Parameters(index = "1", paramLabel = "FILE", description = "The machine config YAML")
    java.nio.file.Path file;

    @Override
    public void run() {
      String yaml;
      try {
        yaml = java.nio.file.Files.readString(file);
      } catch (java.io.IOException e) {
        throw new nettboot.core.error.InvalidInputException(file.toString(), "cannot read: " + e.getMessage());
      }
      try (AdminClient c = admin.connect()) {
        JsonObject r = c.putText("/v1/admin/machines/" + enc(id) + "/config", "application/yaml", yaml);
        System.out.println("stored config for " + id + " (" + r.getLong("bytes") + " bytes, sha256 "
            + r.getString("sha256") + ")");
      }
    }
  }

  @Command(name = "set-bmc", mixinStandardHelpOptions = true,
      description = {"Record the machine's BMC, so the server can power-cycle it ('machine state … --reboot').",
          "The password stays out of the store: give the path of a file on the server or the name of",
          "an environment variable of the server process."})
  static final class SetBmc implements Runnable {
    @Mixin AdminOptions admin;

    @Parameters(index = "0", paramLabel = "ID", description = "SMBIOS UUID or any enrolled MAC")
    String id;

    @Option(names = "--url", required = true, description = "https://HOST[:PORT] of the BMC")
    String url;

    @Option(names = "--certificate", required = true, description = "PEM file: the BMC's certificate or its CA, pinned")
    java.nio.file.Path certificate;

    @Option(names = "--user", required = true, description = "BMC user")
    String user;

    @Option(names = "--password-file", description = "Absolute path of the password file on the server")
    String passwordFile;

    @Option(names = "--password-env", description = "Environment variable of the server holding the password")
    String passwordEnv;

    @Override
    public void run() {
      String pem;
      try {
        pem = java.nio.file.Files.readString(certificate);
      } catch (java.io.IOException e) {
        throw new nettboot.core.error.InvalidInputException(certificate.toString(), "cannot read: " + e.getMessage());
      }
      JsonObject body = new JsonObject().put("url", url).put("certificate", pem).put("user", user)
          .put("passwordFile", passwordFile).put("passwordEnv", passwordEnv);
      try (AdminClient c = admin.connect()) {
        JsonObject r = c.put("/v1/admin/machines/" + enc(id) + "/bmc", body);
        System.out.println("BMC of " + id + ": " + r.getString("url") + " (user " + r.getString("user")
            + ", password from " + r.getString("password") + ")");
      }
    }
  }

  static String id(JsonObject m) {
    String uuid = m.getString("uuid");
    return uuid != null ? uuid : m.getJsonArray("macs").getString(0);
  }
}
