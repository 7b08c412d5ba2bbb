package nettboot.cli;

import java.nio.file.Path;
import nettboot.core.fabric.FabricConfigs;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.NodesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Switch and gateway configurations derived from nodes.yaml. */
@Command(name = "fabric", mixinStandardHelpOptions = true,
    description = "Print the fabric side of a nodes.yaml: ToR FRR and lab-gateway radvd/FRR configs.",
    subcommands = {FabricCommand.Tor.class, FabricCommand.Gateway.class})
final class FabricCommand {

  @Command(name = "tor", mixinStandardHelpOptions = true,
      description = {"Print FRR configuration for each ToR (or one with --name): per server-facing",
          "port the bootstrap prefix RA ('ipv6 nd prefix', 'no ipv6 nd suppress-ra') and an",
          "unnumbered eBGP neighbour ('neighbor PORT interface')."})
  static final class Tor implements Runnable {
    @Option(names = "--nodes", required = true, description = "The inventory")
    Path nodes;

    @Option(names = "--name", description = "Only this ToR")
    String name;

    @Override
    public void run() {
      Inventory inv = NodesFile.read(nodes);
      if (name != null) {
        System.out.print(FabricConfigs.tor(inv, name));
        return;
      }
      FabricConfigs.tors(inv).forEach((tor, conf) -> System.out.print(conf));
    }
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true,
      description = "Print radvd (default) or FRR configuration for the L2 lab gateway (fabric.gateway).")
  static final class Gateway implements Runnable {
    @Option(names = "--nodes", required = true, description = "The inventory")
    Path nodes;

    @Option(names = "--daemon", defaultValue = "radvd", description = "radvd or frr (default ${DEFAULT-VALUE})")
    String daemon;

    @Override
    public void run() {
      Inventory inv = NodesFile.read(nodes);
      switch (daemon) {
        case "radvd" -> System.out.print(FabricConfigs.gatewayRadvd(inv));
        case "frr" -> System.out.print(FabricConfigs.gatewayFrr(inv));
        default -> throw new nettboot.core.error.InvalidInputException("--daemon",
            "\"" + daemon + "\" is not radvd or frr");
      }
    }
  }
}
