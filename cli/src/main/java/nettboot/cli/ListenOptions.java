package nettboot.cli;

import nettboot.edge.ListenAddress;
import picocli.CommandLine.Option;

/**
 * The five listener options of {@code serve} and {@code demo} (a picocli mixin); each command
 * passes its own defaults. IPv6 literals go in brackets: [::1]:8443, [::]:443.
 */
final class ListenOptions {
  @Option(names = "--boot-listen", paramLabel = "ADDR:PORT", description = "Boot listener (default: ${DEFAULT-VALUE})")
  String boot;

  @Option(names = "--config-listen", paramLabel = "ADDR:PORT", description = "Config listener (default: ${DEFAULT-VALUE})")
  String config;

  @Option(names = "--admin-listen", paramLabel = "ADDR:PORT", description = "Admin API listener (default: ${DEFAULT-VALUE})")
  String admin;

  @Option(names = "--ops-listen", paramLabel = "ADDR:PORT", description = "Ops listener, plain HTTP (default: ${DEFAULT-VALUE})")
  String ops;

  @Option(names = "--events-listen", paramLabel = "ADDR:PORT",
      description = {"Talos events sink, plain gRPC as Talos speaks it (default: ${DEFAULT-VALUE};",
          "'off' disables it). Install netboots then carry talos.events.sink=[boot address]:port",
          "and Talos's install progress moves machines from Provisioning to Active. Events count",
          "only from the address that fetched the machine's config with its per-boot token."})
  String events;

  /** The defaults are the initial values picocli shows and resets to. */
  ListenOptions(String boot, String config, String admin, String ops, String events) {
    this.boot = boot;
    this.config = config;
    this.admin = admin;
    this.ops = ops;
    this.events = events;
  }

  ListenAddress boot() {
    return ListenAddress.parse("--boot-listen", boot);
  }

  ListenAddress config() {
    return ListenAddress.parse("--config-listen", config);
  }

  ListenAddress admin() {
    return ListenAddress.parse("--admin-listen", admin);
  }

  ListenAddress ops() {
    return ListenAddress.parse("--ops-listen", ops);
  }

  /** The events sink's address, or null when it is 'off'. */
  ListenAddress events() {
    return "off".equals(events) ? null : ListenAddress.parse("--events-listen", events);
  }
}
