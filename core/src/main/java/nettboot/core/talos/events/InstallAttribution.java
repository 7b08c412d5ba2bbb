package nettboot.core.talos.events;

import java.time.Instant;
import java.util.List;
import nettboot.core.store.ConfigStore;

/**
 * Which machine a Talos event from a source address is about (design rule 4), a pure rule.
 * Talos dials the events sink with insecure gRPC credentials, so the only identity an event has
 * is its source address. It is attributed to the machine whose config was fetched, with a valid
 * per-boot token, from that same address: among the fetches, only those recorded from the
 * address whose token has not expired count; if they name exactly one machine, the event is that
 * machine's newest such fetch (its current boot). No candidate, or several machines behind one
 * address, attributes nothing: the sink does not guess.
 */
public final class InstallAttribution {
  private InstallAttribution() {}

  /** The result. */
  public sealed interface Attribution {}

  /** No valid fetch from the address. */
  public record Nobody() implements Attribution {}

  /** Valid fetches from the address name {@code machines} (two or more) different machines. */
  public record Ambiguous(long machines) implements Attribution {}

  /** Exactly one machine: its newest valid fetch from the address. */
  public record One(ConfigStore.Fetch fetch) implements Attribution {}

  /**
   * @param address the event's source address (canonical text, as fetches are recorded)
   * @param fetches the recorded fetches to consider, in any order
   * @param now expired tokens (expiry at or before now) do not count
   */
  public static Attribution attribute(String address, List<ConfigStore.Fetch> fetches, Instant now) {
    List<ConfigStore.Fetch> valid = fetches.stream()
        .filter(f -> address.equals(f.address()) && now.isBefore(f.expiresAt()))
        .toList();
    if (valid.isEmpty()) {
      return new Nobody();
    }
    long machines = valid.stream().map(ConfigStore.Fetch::machineKey).distinct().count();
    if (machines > 1) {
      return new Ambiguous(machines);
    }
    ConfigStore.Fetch newest = valid.get(0);
    for (ConfigStore.Fetch f : valid) {
      if (f.fetchedAt().isAfter(newest.fetchedAt())) {
        newest = f;
      }
    }
    return new One(newest);
  }
}
