package nettboot.core.pki;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;

/**
 * One revoked certificate, by serial number: the serial as lower-case hex without leading zeros
 * (what {@code openssl x509 -serial} prints, lower-cased), the tenant it belonged to (empty when
 * unknown, e.g. an admin certificate), why, when and by whom.
 *
 * <p>Serials of the platform CA are 128-bit random numbers, so a serial names one certificate;
 * an external CA's revocations come with its CRL and are matched by issuer there.
 */
public record Revocation(String serial, String tenant, RevocationReason reason, Instant revokedAt,
    String actor) {
  /** RFC 5280: a serial is at most 20 octets. */
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,40}");
  private static final int MAX_ACTOR = 256;

  public Revocation {
    serial = normaliseSerial(serial);
    tenant = tenant == null ? "" : tenant;
    if (!tenant.isEmpty()) {
      nettboot.core.machine.Names.requireTenant("tenant", tenant);
    }
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(revokedAt, "revokedAt");
    actor = actor == null ? "" : actor;
    if (actor.length() > MAX_ACTOR) {
      actor = actor.substring(0, MAX_ACTOR);
    }
  }

  /** The serial of {@code c} in this record's form. */
  public static String serialOf(X509Certificate c) {
    return c.getSerialNumber().toString(16);
  }

  /** The serial of {@code serial} in this record's form. */
  public static String serialOf(BigInteger serial) {
    return serial.toString(16);
  }

  /**
   * A serial as given by an operator: hex, optionally with {@code 0x}, colons (as browsers show
   * it) and leading zeros; upper or lower case.
   */
  public static String normaliseSerial(String given) {
    if (given == null || given.isEmpty()) {
      throw new InvalidInputException("serial", "missing");
    }
    String s = given.strip().toLowerCase(Locale.ROOT).replace(":", "");
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    String significant = s.length() > 80 ? s : s.replaceFirst("^0+(?=.)", "");
    if (!HEX.matcher(significant).matches()) {
      throw new InvalidInputException("serial", "not a certificate serial (hex, at most 20 octets)");
    }
    return new BigInteger(s, 16).toString(16);
  }
}
