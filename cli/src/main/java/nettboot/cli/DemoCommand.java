package nettboot.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.EmbeddedCa;
import nettboot.edge.ListenAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job on embedded defaults: a lab PKI, a SQLite store, a demo tenant with a boot profile
 * and one enrolled machine in Provisioning, served until Ctrl-C. Re-running reuses what exists.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Run a complete lab metadata server on loopback and print the curl command for its demo machine.",
    description = {"Start a complete lab metadata server on loopback: generate the lab PKI (once),",
        "use SQLite under DIR/data, upload placeholder artifacts, create tenant 'demo' with profile",
        "'demo-talos', enrol a demo machine in Provisioning, and print the curl command that fetches",
        "its iPXE boot script exactly as the tenant boot medium would. Runs until Ctrl-C.",
        "The placeholder artifacts are not bootable; upload real Talos kernel/initramfs with",
        "'artifact put' to netboot real machines."})
final class DemoCommand implements Runnable {
  static final String TENANT = "demo";
  static final String ADMIN = "operator";
  static final String PROFILE = "demo-talos";
  static final String MACHINE_UUID = "8e1f0c2a-5b7d-4c3e-9a61-2f4b6d8c0e11";
  static final String MACHINE_MAC = "52:54:00:6e:62:01";

  @Option(names = "--dir", defaultValue = "lab", description = "Lab directory (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--boot-domain", defaultValue = "boot.lab.nett.internal",
      description = "Boot domain of the lab PKI (default: ${DEFAULT-VALUE})")
  String bootDomain;

  @Mixin
  ListenOptions listen = new ListenOptions("[::1]:8443", "[::1]:8444", "[::1]:9443", "[::1]:9090", "[::1]:4002");

  @Option(names = "--setup-only", description = "Set everything up, print the commands, stop the server and exit")
  boolean setupOnly;

  @Override
  public void run() {
    Path pki = dir.resolve("pki");
    EmbeddedCa ca;
    if (Files.exists(pki.resolve("root-ca.key"))) {
      ca = EmbeddedCa.load(pki);
      System.out.println("using the lab PKI in " + pki);
    } else {
      ca = EmbeddedCa.init(pki, bootDomain, List.of("::1", "127.0.0.1", "localhost"), Clock.systemUTC());
      System.out.println("created the lab PKI in " + pki + " (root CA sha256 " + ca.rootFingerprint() + ")");
    }
    if (!Files.exists(ca.tenantCertPath(TENANT))) {
      ca.issueTenant(TENANT);
    }
    if (!Files.exists(ca.adminCertPath(ADMIN))) {
      ca.issueAdmin(ADMIN);
    }
    ListenAddress boot = listen.boot();
    ListenAddress admin = listen.admin();
    ListenAddress ops = listen.ops();
    ServerRuntime runtime = ServerRuntime.start(new ServerRuntime.Settings(pki, dir.resolve("data"),
        boot, listen.config(), admin, ops, null, 0, true, java.time.Duration.ofSeconds(1), listen.events(),
        nettboot.edge.ClientLimits.DEFAULT, false, java.util.Map.of(), nettboot.edge.CrlSources.NONE));
    try {
      String adminUrl = "https://" + admin.urlHost() + ":" + runtime.server.adminPort();
      try (AdminClient client = new AdminClient(adminUrl, ca.rootCertPath(), ca.adminCertPath(ADMIN),
          ca.adminKeyPath(ADMIN))) {
        seed(client);
      }
      String bootUrl = "https://" + boot.urlHost() + ":" + runtime.server.bootPort();
      Path tenantCrt = ca.tenantCertPath(TENANT);
      Path tenantKey = ca.tenantKeyPath(TENANT);
      System.out.println();
      System.out.println("nett-boot lab metadata server is running:");
      System.out.println("  boot   " + bootUrl + "   (mTLS: tenant certificates)");
      System.out.println("  admin  " + adminUrl + "   (mTLS: admin certificates)");
      System.out.println("  ops    http://" + ops.urlHost() + ":" + runtime.server.opsPort() + "/metrics");
      System.out.println();
      System.out.println("Fetch the demo machine's iPXE boot script as its tenant boot medium would:");
      System.out.println("  curl -g --cacert " + ca.rootCertPath() + " --cert " + tenantCrt + " --key "
          + tenantKey + " " + bootUrl + "/v1/boot/" + MACHINE_UUID);
      System.out.println();
      System.out.println("Drive its lifecycle (admin certificate " + ca.adminCertPath(ADMIN) + "):");
      System.out.println("  ./talos-fabric-builder machine list --pki " + pki + " --admin-url " + adminUrl);
      System.out.println("  ./talos-fabric-builder machine state " + MACHINE_UUID
          + " Active --reason 'installed' --pki " + pki + " --admin-url " + adminUrl);
      System.out.println("  ./talos-fabric-builder machine history " + MACHINE_UUID + " --pki " + pki
          + " --admin-url " + adminUrl);
      System.out.println();
      System.out.flush();
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    if (setupOnly) {
      runtime.close();
      return;
    }
    System.out.println("Press Ctrl-C to stop.");
    System.out.flush();
    ServeCommand.runUntilSignal(runtime);
  }

  private void seed(AdminClient client) {
    Path artifacts = dir.resolve("demo-artifacts");
    try {
      Files.createDirectories(artifacts);
      for (String name : List.of("vmlinuz-demo", "initramfs-demo.xz")) {
        Path f = artifacts.resolve(name);
        if (!Files.exists(f)) {
          Files.writeString(f, "nett-boot demo placeholder for " + name
              + ": not bootable; upload a real Talos image with 'artifact put'\n", StandardCharsets.US_ASCII);
        }
        client.putFile("/v1/admin/artifacts/" + name, f, SecureFiles.sha256(f));
      }
    } catch (IOException e) {
      throw new InvalidInputException(artifacts.toString(), "cannot write demo artifacts: " + e.getMessage());
    }
    client.put("/v1/admin/profiles/" + PROFILE, new JsonObject()
        .put("tenant", TENANT).put("kernel", "vmlinuz-demo").put("initrd", "initramfs-demo.xz")
        .put("cmdline", "talos.platform=metal console=tty0 console=ttyS0,115200n8"));
    JsonObject machine;
    try {
      machine = client.get("/v1/admin/machines/" + MACHINE_UUID);
    } catch (NotFoundException e) {
      machine = client.post("/v1/admin/machines", new JsonObject()
          .put("uuid", MACHINE_UUID).put("macs", new JsonArray().add(MACHINE_MAC))
          .put("tenant", TENANT).put("role", "controlplane").put("hostname", "demo-cp-1")
          .put("profile", PROFILE));
    }
    if ("New".equals(machine.getString("state"))) {
      machine = client.put("/v1/admin/machines/" + MACHINE_UUID + "/state", new JsonObject()
          .put("state", "Provisioning").put("reason", "demo: install Talos on the next boot"));
    }
    System.out.println("demo machine " + MACHINE_UUID + " (tenant " + TENANT + ") is " + machine.getString("state"));
  }
}
