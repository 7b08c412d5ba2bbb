package nettboot.edge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The boot-lookup budgets of one event loop ({@link ClientLimits}): a token bucket per source
 * address and one per tenant, both kept in access-ordered maps of bounded size (the least recently
 * seen bucket goes first; a forgotten bucket comes back full). Confined to its event loop: no
 * locks, a map lookup and a little arithmetic per decision.
 *
 * <p>Connections are spread evenly over the event loops, so each loop holds the per-tenant budget
 * divided by the number of loops; an address's connections may land on any loop, so each loop
 * holds the whole per-address budget (a client opening connections on every loop gets up to that
 * many times the per-address rate, and never more than its tenant's).
 */
final class BootLookupBudget {
  static final int MAX_ADDRESSES = 16_384;
  static final int MAX_TENANTS = 1_024;
  private static final double NANOS = 1e9;

  private final double addressBurst;
  private final double addressPerNano;
  private final double tenantBurst;
  private final double tenantPerNano;
  private final Map<String, Bucket> addresses = lru(MAX_ADDRESSES);
  private final Map<String, Bucket> tenants = lru(MAX_TENANTS);

  /** What a lookup may do: go ahead (0), or the seconds to wait and which budget ran out. */
  record Verdict(int retryAfterSeconds, String limit) {
    static final Verdict ALLOWED = new Verdict(0, null);

    boolean allowed() {
      return limit == null;
    }
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    void refill(long now, double burst, double perNano) {
      tokens = Math.min(burst, tokens + (now - at) * perNano);
      at = now;
    }

    int secondsUntilOne(double perNano) {
      return (int) Math.max(1, Math.ceil((1 - tokens) / perNano / NANOS));
    }
  }

  BootLookupBudget(ClientLimits limits, int eventLoops) {
    this.addressBurst = limits.addressBurst();
    this.addressPerNano = limits.addressPerSecond() / NANOS;
    this.tenantBurst = Math.max(1, Math.ceil((double) limits.tenantBurst() / eventLoops));
    this.tenantPerNano = Math.max(1, Math.ceil((double) limits.tenantPerSecond() / eventLoops)) / NANOS;
  }

  /** Takes one lookup from both budgets, or none when either is empty. */
  Verdict take(String tenant, String address, long nowNanos) {
    Bucket a = addresses.computeIfAbsent(address, k -> new Bucket(addressBurst, nowNanos));
    a.refill(nowNanos, addressBurst, addressPerNano);
    if (a.tokens < 1) {
      return new Verdict(a.secondsUntilOne(addressPerNano), "address");
    }
    Bucket t = tenants.computeIfAbsent(tenant, k -> new Bucket(tenantBurst, nowNanos));
    t.refill(nowNanos, tenantBurst, tenantPerNano);
    if (t.tokens < 1) {
      return new Verdict(t.secondsUntilOne(tenantPerNano), "tenant");
    }
    a.tokens -= 1;
    t.tokens -= 1;
    return Verdict.ALLOWED;
  }

  int addressCount() {
    return addresses.size();
  }

  private static Map<String, Bucket> lru(int capacity) {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > capacity;
      }
    };
  }
}
