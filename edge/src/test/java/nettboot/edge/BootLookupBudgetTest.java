package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The token buckets, on a clock given by the test: burst, refill, both budgets, bounded memory. */
class BootLookupBudgetTest {
  static final long SECOND = 1_000_000_000L;

  static ClientLimits limits(int addressBurst, int addressRate, int tenantBurst, int tenantRate) {
    return new ClientLimits(Duration.ofSeconds(10), addressBurst, addressRate, tenantBurst, tenantRate);
  }

  @Test
  void anAddressGetsItsBurstThenItsRate() {
    BootLookupBudget b = new BootLookupBudget(limits(3, 1, 1000, 1000), 1);
    for (int i = 0; i < 3; i++) {
      assertThat(b.take("acme", "2001:db8::1", 0).allowed()).isTrue();
    }
    BootLookupBudget.Verdict v = b.take("acme", "2001:db8::1", 0);
    assertThat(v.allowed()).isFalse();
    assertThat(v.limit()).isEqualTo("address");
    assertThat(v.retryAfterSeconds()).isEqualTo(1);
    assertThat(b.take("acme", "2001:db8::2", 0).allowed()).isTrue(); // another machine
    assertThat(b.take("acme", "2001:db8::1", SECOND).allowed()).isTrue(); // one second later: one more
    assertThat(b.take("acme", "2001:db8::1", SECOND).allowed()).isFalse();
  }

  @Test
  void aTenantIsLimitedAcrossItsAddressesAndSharesItsBudgetOverTheEventLoops() {
    BootLookupBudget b = new BootLookupBudget(limits(5, 1, 8, 2), 2); // 4 per loop, 1 a second
    for (int i = 0; i < 4; i++) {
      assertThat(b.take("acme", "2001:db8::" + i, 0).allowed()).isTrue();
    }
    BootLookupBudget.Verdict v = b.take("acme", "2001:db8::99", 0);
    assertThat(v.limit()).isEqualTo("tenant");
    assertThat(b.take("globex", "2001:db8::99", 0).allowed()).isTrue(); // another tenant
    // a refused lookup takes nothing from the address
    for (int i = 0; i < 4; i++) {
      assertThat(b.take("initech", "2001:db8::99", 0).allowed()).isTrue();
    }
    assertThat(b.take("initech", "2001:db8::99", 0).limit()).isEqualTo("address");
  }

  @Test
  void theNumberOfAddressesKeptIsBounded() {
    BootLookupBudget b = new BootLookupBudget(ClientLimits.DEFAULT, 1);
    for (int i = 0; i < BootLookupBudget.MAX_ADDRESSES + 1000; i++) {
      b.take("acme", "addr-" + i, i);
    }
    assertThat(b.addressCount()).isEqualTo(BootLookupBudget.MAX_ADDRESSES);
  }
}
