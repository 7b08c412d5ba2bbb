package nettboot.core.pki;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import nettboot.core.error.InvalidInputException;

/**
 * Why a certificate was revoked: the RFC 5280 CRL reason codes an operator can mean (no
 * certificateHold: a revocation here is final). The wire name is the lower-case, hyphenated form
 * ({@code key-compromise}); a lost tenant medium is {@code key-compromise}.
 */
public enum RevocationReason {
  UNSPECIFIED(0),
  KEY_COMPROMISE(1),
  CA_COMPROMISE(2),
  AFFILIATION_CHANGED(3),
  SUPERSEDED(4),
  CESSATION_OF_OPERATION(5),
  PRIVILEGE_WITHDRAWN(9);

  /** The RFC 5280 {@code CRLReason} code. */
  public final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  /** The wire name: {@code key-compromise}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Every wire name, comma-separated (for messages and help). */
  public static String names() {
    return Arrays.stream(values()).map(RevocationReason::wireName).collect(Collectors.joining(", "));
  }

  /** The reason named {@code s} (wire name); null or empty is {@link #UNSPECIFIED}. */
  public static RevocationReason parse(String s) {
    if (s == null || s.isEmpty()) {
      return UNSPECIFIED;
    }
    for (RevocationReason r : values()) {
      if (r.wireName().equals(s)) {
        return r;
      }
    }
    throw new InvalidInputException("reason", "unknown reason; one of " + names());
  }

  /** The reason with RFC 5280 code {@code code}; unknown codes are {@link #UNSPECIFIED}. */
  public static RevocationReason ofCode(int code) {
    for (RevocationReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return UNSPECIFIED;
  }
}
