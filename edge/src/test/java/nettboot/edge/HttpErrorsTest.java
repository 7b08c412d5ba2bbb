package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import nettboot.core.error.ConflictException;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.IllegalTransitionException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.NotFoundException;
import nettboot.core.error.StorageFullException;
import nettboot.core.error.TooLargeException;
import nettboot.core.error.UnavailableException;
import nettboot.core.machine.MachineState;
import org.junit.jupiter.api.Test;

class HttpErrorsTest {
  @Test
  void everyDomainKindHasItsStatus() {
    assertThat(HttpErrors.status(new InvalidInputException("f", "bad"))).isEqualTo(400);
    assertThat(HttpErrors.status(new ForbiddenException("no"))).isEqualTo(403);
    assertThat(HttpErrors.status(new NotFoundException("gone"))).isEqualTo(404);
    assertThat(HttpErrors.status(new ConflictException("raced"))).isEqualTo(409);
    assertThat(HttpErrors.status(new IllegalTransitionException(MachineState.ACTIVE, MachineState.NEW,
        Set.of(MachineState.REPROVISION)))).isEqualTo(409);
    assertThat(HttpErrors.status(new TooLargeException("big"))).isEqualTo(413);
    assertThat(HttpErrors.status(new UnavailableException("down", null))).isEqualTo(503);
    assertThat(HttpErrors.status(new StorageFullException("disk full", null))).isEqualTo(507);
  }

  @Test
  void anythingElseIsA500WithAOneLineBodyThatRevealsNothing() {
    RuntimeException bug = new IllegalStateException("secret detail\nsecond line");
    assertThat(HttpErrors.isDomain(bug)).isFalse();
    assertThat(HttpErrors.status(bug)).isEqualTo(500);
    assertThat(HttpErrors.message(bug, "r1")).isEqualTo("internal error (request id r1)");
    assertThat(HttpErrors.message(new NotFoundException("no machine\nx"), "r1")).isEqualTo("no machine x");
  }
}
