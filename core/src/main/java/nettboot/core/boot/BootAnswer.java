package nettboot.core.boot;

/**
 * What {@link BootService} answers a tenant's boot request with. {@link #outcome()} names it for
 * metrics and the access log: {@code install}, {@code wipe}, {@code erase}, {@code rescue}, {@code poweroff},
 * {@code refused} (a script), {@code localboot}, {@code unknown} or {@code foreign} (boot the local disk).
 */
public sealed interface BootAnswer {
  String outcome();

  /** An iPXE script to run. */
  record Script(String outcome, String script) implements BootAnswer {}

  /** Boot the local disk: the machine is known and should not netboot. */
  record Localboot(String reason) implements BootAnswer {
    @Override
    public String outcome() {
      return "localboot";
    }
  }

  /**
   * No machine of this tenant has the id. {@code ownerTenant} is the tenant that does own it, if
   * any (a medium of one tenant asking for another tenant's machine: a misconfiguration or a
   * probe, for the operator's log); the client is answered exactly as for an unknown machine.
   */
  record NotFound(java.util.Optional<String> ownerTenant) implements BootAnswer {
    @Override
    public String outcome() {
      return ownerTenant.isPresent() ? "foreign" : "unknown";
    }
  }
}
