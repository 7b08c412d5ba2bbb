package nettboot.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nettboot.core.error.ConflictException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.StoreLocation;
import nettboot.core.store.Stores;
import nettboot.core.talos.ClusterSecrets;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.MachineConfigGenerator;
import nettboot.core.talos.MachineConfigGenerator.NodeConfig;
import nettboot.core.talos.NodesFile;
import nettboot.core.talos.PrefixAssignment;
import nettboot.core.talos.TalosSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Talos machine configurations from nodes.yaml. */
@Command(name = "talos", mixinStandardHelpOptions = true,
    description = "Generate Talos machine configurations for the nodes of a nodes.yaml.",
    subcommands = {TalosCommand.Gen.class})
final class TalosCommand {
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);

  @Command(name = "gen", mixinStandardHelpOptions = true,
      description = {"Write OUT/<node>.yaml for every node and OUT/talosconfig, all or nothing.",
          "Every document is validated against the Talos machine-config schema first. The",
          "cluster secrets bundle is made once (PKI/talos/<cluster>/secrets.yaml, 0600) and",
          "reused; allocated prefixes are kept in the inventory store (--data or --postgres).",
          "The files hold cluster secrets: they are written 0600."})
  static final class Gen implements Runnable {
    @Option(names = "--nodes", required = true, description = "The inventory (see examples/nodes.yaml)")
    Path nodes;

    @Option(names = "--pki", required = true, description = "PKI directory made by 'pki init'")
    Path pki;

    @Option(names = "--out", required = true, description = "Output directory (must not exist unless --force)")
    Path out;

    @Option(names = "--data", description = "SQLite data directory holding allocated prefixes")
    Path data;

    @Option(names = "--postgres", description = "PostgreSQL URL instead of --data (or $NETTBOOT_POSTGRES_URL)")
    String postgres;

    @Option(names = "--force", description = "Replace an existing output directory (atomically)")
    boolean force;

    @Override
    public void run() {
      Inventory inv = NodesFile.read(nodes);
      String caPem = readCa(pki);
      String pg = postgres != null ? postgres : System.getenv("NETTBOOT_POSTGRES_URL");
      Map<String, Ipv6Prefix> prefixes = resolve(inv, data, pg);
      ClusterSecrets secrets = ClusterSecrets.loadOrCreate(pki, inv.cluster().name(), Clock.systemUTC());
      MachineConfigGenerator gen = new MachineConfigGenerator(TalosSchema.load());
      Map<String, String> files = new LinkedHashMap<>();
      List<NodeConfig> configs = new ArrayList<>();
      for (Node n : inv.nodes()) {
        NodeConfig c = gen.generate(inv, n, prefixes.get(n.name()), secrets, caPem);
        configs.add(c);
        files.put(n.name() + ".yaml", c.yaml());
      }
      files.put("talosconfig", gen.talosconfig(inv, prefixes, secrets, Clock.systemUTC()));
      writeAll(out, files, force);
      System.out.println("wrote " + configs.size() + " machine configs and talosconfig to " + out
          + " (every document valid against the Talos " + inv.cluster().talosVersion() + " schema)");
      for (NodeConfig c : configs) {
        System.out.printf("  %-20s %-12s %-24s %6d bytes%n", c.node() + ".yaml", c.role(), c.prefix(),
            c.yaml().getBytes(StandardCharsets.UTF_8).length);
      }
    }
  }

  static String readCa(Path pki) {
    Path ca = pki.resolve(EmbeddedCa.ROOT_CERT);
    try {
      return Files.readString(ca, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new nettboot.core.error.InvalidInputException("--pki", "cannot read " + ca
          + " (make the PKI with 'pki init'): " + e.getMessage());
    }
  }

  /** Node prefixes; opens the store only when there is one (or allocation needs it). */
  static Map<String, Ipv6Prefix> resolve(Inventory inv, Path data, String postgres) {
    if (data == null && postgres == null) {
      return Await.result(PrefixAssignment.resolve(inv, Optional.empty(), Instant.now()), STORE_TIMEOUT,
          "prefix assignment");
    }
    StoreLocation location = postgres != null ? new StoreLocation.Postgres(postgres)
        : new StoreLocation.Sqlite(DataDirectory.create(data));
    Vertx vertx = Vertx.vertx();
    try (Stores stores = StoreFactory.open(vertx, location)) {
      Await.result(stores.migrate(), STORE_TIMEOUT, "store migration");
      return Await.result(PrefixAssignment.resolve(inv, Optional.of(stores.prefixes()), Instant.now()),
          STORE_TIMEOUT, "prefix assignment");
    } finally {
      vertx.close();
    }
  }

  /** Writes the configs with {@link SecureFiles#writeDirectory}: all or nothing, files 0600. */
  static void writeAll(Path out, Map<String, String> files, boolean force) {
    if (Files.exists(out) && !force) {
      throw new ConflictException(out + " already exists; use --force to replace it");
    }
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((name, text) -> bytes.put(name, text.getBytes(StandardCharsets.UTF_8)));
    SecureFiles.writeDirectory(out, bytes, force);
  }
}
