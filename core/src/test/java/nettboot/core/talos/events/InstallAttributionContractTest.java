package nettboot.core.talos.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import nettboot.core.store.ConfigStore.Fetch;
import nettboot.core.talos.events.InstallAttribution.Ambiguous;
import nettboot.core.talos.events.InstallAttribution.Attribution;
import nettboot.core.talos.events.InstallAttribution.Nobody;
import nettboot.core.talos.events.InstallAttribution.One;
import org.junit.jupiter.api.Test;

/**
 * The attribution rule of design rule 4 over its inputs: how many candidate fetches there are
 * (none, one, several of one machine, several machines), whether each was made from the event's
 * address, whether its token is still valid (before, at and after expiry), and the order fetches
 * arrive in.
 */
class InstallAttributionContractTest {
  static final String ADDR = "fd00::7";
  static final String OTHER_ADDR = "fd00::8";
  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

  static Fetch fetch(String machine, String boot, String addr, int fetchedSecondsAgo, int expiresInSeconds) {
    return new Fetch("k-" + machine, "acme", boot, "id-" + machine, addr,
        NOW.minusSeconds(fetchedSecondsAgo), NOW.plusSeconds(expiresInSeconds));
  }

  static Attribution attribute(Fetch... fetches) {
    return InstallAttribution.attribute(ADDR, List.of(fetches), NOW);
  }

  @Test
  void noCandidateAttributesNothing() {
    assertThat(attribute()).isEqualTo(new Nobody());
  }

  @Test
  void oneValidFetchFromTheAddressIsThatMachine() {
    Fetch a = fetch("a", "b1", ADDR, 10, 600);
    assertThat(attribute(a)).isEqualTo(new One(a));
  }

  @Test
  void fetchesFromOtherAddressesDoNotCount() {
    assertThat(attribute(fetch("a", "b1", OTHER_ADDR, 10, 600))).isEqualTo(new Nobody());
    Fetch a = fetch("a", "b1", ADDR, 10, 600);
    assertThat(attribute(a, fetch("b", "b2", OTHER_ADDR, 5, 600))).isEqualTo(new One(a));
  }

  @Test
  void expiredTokensDoNotCountAndExpiryAtNowIsExpired() {
    assertThat(attribute(fetch("a", "b1", ADDR, 10, -1))).isEqualTo(new Nobody());
    assertThat(attribute(fetch("a", "b1", ADDR, 10, 0))).isEqualTo(new Nobody());
    assertThat(attribute(fetch("a", "b1", ADDR, 10, 1))).isInstanceOf(One.class);
    Fetch valid = fetch("a", "b1", ADDR, 10, 600);
    assertThat(attribute(valid, fetch("b", "b2", ADDR, 5, 0))).isEqualTo(new One(valid));
  }

  @Test
  void severalFetchesOfOneMachineAreItsNewestBootWhateverTheOrder() {
    Fetch older = fetch("a", "b1", ADDR, 300, 600);
    Fetch newer = fetch("a", "b2", ADDR, 10, 600);
    assertThat(attribute(older, newer)).isEqualTo(new One(newer));
    assertThat(attribute(newer, older)).isEqualTo(new One(newer));
    Fetch expiredNewest = fetch("a", "b3", ADDR, 1, 0);
    assertThat(attribute(older, newer, expiredNewest)).isEqualTo(new One(newer));
  }

  @Test
  void twoMachinesBehindOneAddressAreNotGuessedBetween() {
    assertThat(attribute(fetch("a", "b1", ADDR, 10, 600), fetch("b", "b2", ADDR, 5, 600)))
        .isEqualTo(new Ambiguous(2));
    assertThat(attribute(fetch("a", "b1", ADDR, 10, 600), fetch("b", "b2", ADDR, 5, 600),
        fetch("c", "b3", ADDR, 1, 600), fetch("a", "b4", ADDR, 2, 600)))
        .isEqualTo(new Ambiguous(3));
  }

  @Test
  void everyCombinationOfTwoCandidatesFollowsTheRule() {
    String[] machines = {"a", "b"};
    String[] addrs = {ADDR, OTHER_ADDR};
    int[] expiries = {-5, 0, 600};
    List<Fetch> all = new ArrayList<>();
    for (String m : machines) {
      for (String addr : addrs) {
        for (int exp : expiries) {
          all.add(fetch(m, m + addr + exp, addr, 10 + all.size(), exp));
        }
      }
    }
    for (Fetch x : all) {
      for (Fetch y : all) {
        List<Fetch> in = new ArrayList<>(List.of(x, y));
        List<Fetch> counted = in.stream().filter(f -> f.address().equals(ADDR) && f.expiresAt().isAfter(NOW)).toList();
        long distinct = counted.stream().map(Fetch::machineKey).distinct().count();
        Attribution want = distinct == 0 ? new Nobody() : distinct > 1 ? new Ambiguous(distinct)
            : new One(Collections.max(counted, java.util.Comparator.comparing(Fetch::fetchedAt)));
        assertThat(InstallAttribution.attribute(ADDR, in, NOW)).as("%s, %s", x, y).isEqualTo(want);
        Collections.reverse(in);
        assertThat(InstallAttribution.attribute(ADDR, in, NOW)).as("reversed %s, %s", x, y).isEqualTo(want);
      }
    }
  }
}
