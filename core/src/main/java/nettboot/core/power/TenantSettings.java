package nettboot.core.power;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import nettboot.core.error.InvalidInputException;
import nettboot.core.machine.Names;

/**
 * What a tenant's operator set for the lifecycle states that netboot something other than the
 * install: the profile Maintenance boots (rescue), the profile Decommission boots once (secure
 * erase), and the virtual-media URL a power cycle mounts on the machine's BMC.
 */
public record TenantSettings(String tenant, Optional<String> rescueProfile,
    Optional<String> eraseProfile, Optional<URI> mediaUrl, Instant updatedAt) {
  public static final int MAX_URL = 2048;

  public TenantSettings {
    Names.requireTenant("tenant", tenant);
    rescueProfile.ifPresent(p -> Names.requireProfile("rescueProfile", p));
    eraseProfile.ifPresent(p -> Names.requireProfile("eraseProfile", p));
    mediaUrl.ifPresent(TenantSettings::requireMediaUrl);
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Nothing set. */
  public static TenantSettings none(String tenant) {
    return new TenantSettings(tenant, Optional.empty(), Optional.empty(), Optional.empty(),
        Instant.EPOCH);
  }

  /** http(s) with a host, no query or fragment (some BMCs refuse {@code ?} and {@code &}). */
  public static URI requireMediaUrl(URI u) {
    String s = u.toString();
    if (s.length() > MAX_URL || s.chars().anyMatch(c -> c <= 0x20 || c > 0x7e)) {
      throw new InvalidInputException("mediaUrl", "too long or not printable ASCII without spaces");
    }
    if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
      throw new InvalidInputException("mediaUrl", "scheme must be https (or http)");
    }
    if (u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new InvalidInputException("mediaUrl",
          "expected https://HOST[:PORT]/PATH without query or fragment (BMCs refuse ? and &)");
    }
    return u;
  }

  public static URI parseMediaUrl(String text) {
    try {
      return requireMediaUrl(new URI(text));
    } catch (java.net.URISyntaxException e) {
      throw new InvalidInputException("mediaUrl", "not a URL: " + e.getReason());
    }
  }
}
