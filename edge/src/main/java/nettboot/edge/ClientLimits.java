package nettboot.edge;

import java.time.Duration;
import nettboot.core.error.InvalidInputException;

/**
 * What one client may take from the listeners: how long it may spend sending a request's line and
 * headers, and how many boot lookups ({@code GET /v1/boot/{id}}) it may make.
 *
 * <p>The boot-lookup budgets are token buckets (a burst, refilled at a steady rate). A machine asks
 * once per boot (the tenant medium chains one {@code /v1/boot/<id>} and boots the disk on any
 * failure), and every machine of a NAT-free fabric has its own address, so the per-address budget
 * is small: a burst of {@value #DEFAULT_ADDRESS_BURST} and {@value #DEFAULT_ADDRESS_PER_SECOND}
 * per second, far more than a machine rebooting in a loop asks. The per-tenant budget must carry a
 * whole fleet rebooting at once: a burst of {@value #DEFAULT_TENANT_BURST} (two lookups for each
 * machine of a 10,000-machine tenant) and {@value #DEFAULT_TENANT_PER_SECOND} per second (that
 * tenant's fleet once every five seconds, more than the listener answers on one replica).
 *
 * @param requestHeadTimeout time from a connection's start (after TLS) or the end of its previous
 *     response to the end of the next request's headers; a client slower than that is cut off
 * @param addressBurst boot lookups a source address may make at once
 * @param addressPerSecond boot lookups per second a source address regains
 * @param tenantBurst boot lookups a tenant certificate may make at once
 * @param tenantPerSecond boot lookups per second a tenant regains
 */
public record ClientLimits(Duration requestHeadTimeout, int addressBurst, int addressPerSecond,
    int tenantBurst, int tenantPerSecond) {
  public static final int DEFAULT_ADDRESS_BURST = 20;
  public static final int DEFAULT_ADDRESS_PER_SECOND = 1;
  public static final int DEFAULT_TENANT_BURST = 20_000;
  public static final int DEFAULT_TENANT_PER_SECOND = 2_000;
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public static final ClientLimits DEFAULT = new ClientLimits(DEFAULT_REQUEST_HEAD_TIMEOUT,
      DEFAULT_ADDRESS_BURST, DEFAULT_ADDRESS_PER_SECOND, DEFAULT_TENANT_BURST, DEFAULT_TENANT_PER_SECOND);

  public ClientLimits {
    if (requestHeadTimeout == null || requestHeadTimeout.toMillis() < 100
        || requestHeadTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new InvalidInputException("request-head-timeout", "must be between 100 ms and 5 minutes");
    }
    positive("boot-burst-per-address", addressBurst);
    positive("boot-rate-per-address", addressPerSecond);
    positive("boot-burst-per-tenant", tenantBurst);
    positive("boot-rate-per-tenant", tenantPerSecond);
  }

  /** The same limits with other per-address boot-lookup budgets. */
  public ClientLimits withAddressBudget(int burst, int perSecond) {
    return new ClientLimits(requestHeadTimeout, burst, perSecond, tenantBurst, tenantPerSecond);
  }

  public ClientLimits withRequestHeadTimeout(Duration timeout) {
    return new ClientLimits(timeout, addressBurst, addressPerSecond, tenantBurst, tenantPerSecond);
  }

  private static void positive(String field, int v) {
    if (v < 1 || v > 10_000_000) {
      throw new InvalidInputException(field, v + " is outside 1..10000000");
    }
  }
}
