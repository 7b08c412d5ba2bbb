package nettboot.core.talos;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.store.PrefixAllocator;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.PrefixChoice;

/**
 * Resolves every node's production /64: a static prefix as written, or one allocated from the
 * cluster's pool ({@code cluster.productionPool}, carved into /64s, pool name = cluster name) by a
 * {@link PrefixAllocator}, so it stays the same on every later run. Static prefixes inside the pool
 * are reserved first, so the pool never hands them to another node.
 */
public final class PrefixAssignment {
  /** Nodes get /64s: the address plane the fabric routes, SLAAC-sized and RA-friendly. */
  public static final int NODE_PREFIX_LENGTH = 64;

  private PrefixAssignment() {}

  /** True when some node asks for an allocated prefix (so a store is needed). */
  public static boolean needsAllocator(Inventory inv) {
    return inv.nodes().stream().anyMatch(n -> n.prefix() instanceof PrefixChoice.Allocate);
  }

  /** Node name to /64, in file order. */
  public static Future<Map<String, Ipv6Prefix>> resolve(Inventory inv,
      Optional<PrefixAllocator> allocator, Instant now) {
    if (needsAllocator(inv) && allocator.isEmpty()) {
      List<String> names = inv.nodes().stream()
          .filter(n -> n.prefix() instanceof PrefixChoice.Allocate).map(Node::name).toList();
      return Future.failedFuture(new InvalidInputException("prefix", "nodes " + names
          + " ask for an allocated prefix; allocation needs the inventory store (--data or --postgres)"));
    }
    Optional<Ipv6Prefix> pool = inv.cluster().productionPool();
    String poolName = inv.cluster().name();
    Map<String, Ipv6Prefix> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Node n : inv.nodes()) {
      if (n.prefix() instanceof PrefixChoice.Static s) {
        out.put(n.name(), s.prefix());
        if (allocator.isPresent() && pool.isPresent() && pool.get().contains(s.prefix())) {
          chain = chain.compose(v -> allocator.get()
              .reserve(poolName, pool.get(), s.prefix(), n.name(), now).mapEmpty());
        }
      }
    }
    for (Node n : inv.nodes()) {
      if (n.prefix() instanceof PrefixChoice.Allocate) {
        chain = chain.compose(v -> allocator.get()
            .allocate(poolName, pool.orElseThrow(), NODE_PREFIX_LENGTH, n.name(), now)
            .map(p -> {
              out.put(n.name(), p);
              return null;
            }));
      }
    }
    return chain.map(v -> {
      Map<String, Ipv6Prefix> ordered = new LinkedHashMap<>();
      inv.nodes().forEach(n -> ordered.put(n.name(), out.get(n.name())));
      return ordered;
    });
  }
}
