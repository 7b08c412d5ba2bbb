package nettboot.edge;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;

/**
 * External CAs' CRLs the server loads ({@code serve --crl FILE|URL}, repeatable) and how often it
 * fetches them again. Each must verify against the client CA file's certificates; see {@link
 * ExternalCrls}.
 *
 * @param sources file paths or {@code http(s)://} URLs
 * @param refresh time between fetches, from 1 s to 1 day
 */
public record CrlSources(List<String> sources, Duration refresh) {
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
  public static final CrlSources NONE = new CrlSources(List.of(), DEFAULT_REFRESH);

  public CrlSources {
    sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0 || refresh.compareTo(Duration.ofDays(1)) > 0) {
      throw new InvalidInputException("crl-refresh", refresh.toSeconds() + " s is outside 1 s..1 day");
    }
    for (String s : sources) {
      if (s == null || s.isBlank()) {
        throw new InvalidInputException("crl", "empty CRL source");
      }
    }
  }
}
