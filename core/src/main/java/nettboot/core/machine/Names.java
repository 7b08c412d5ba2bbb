package nettboot.core.machine;

import java.util.regex.Pattern;
import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;

/** Validation of operator-chosen names; each shape is safe in URLs, SQL, file names and scripts. */
public final class Names {
  /** A DNS label (RFC 1123, lower case): tenant, cluster and node names; a tenant is the first label of its certificate CN. */
  public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  public static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  public static final Pattern ARTIFACT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  public static final Pattern HOSTNAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  public static final Pattern ADMIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Names() {}

  public static String requireTenant(String field, String value) {
    return require(field, value, DNS_LABEL, "a DNS label (a-z, 0-9, '-', at most 63)");
  }

  public static String requireProfile(String field, String value) {
    return require(field, value, PROFILE, "letters, digits, '.', '_', '-' (at most 64)");
  }

  public static String requireAdmin(String field, String value) {
    return require(field, value, ADMIN, "letters, digits, '.', '_', '-' (at most 64)");
  }

  public static String requireHostname(String field, String value) {
    if (value != null && value.length() > 253) {
      throw new InvalidInputException(field, "longer than 253 characters");
    }
    return require(field, value, HOSTNAME, "a lower-case DNS name");
  }

  /** Artifact names: no path separators, no leading dot, no "..", so they never escape the store. */
  public static String requireArtifact(String field, String value) {
    require(field, value, ARTIFACT, "letters, digits, '.', '_', '-' (at most 128), not starting with '.'");
    if (value.contains("..")) {
      throw new InvalidInputException(field, "must not contain '..': " + ErrorText.printable(value));
    }
    return value;
  }

  private static String require(String field, String value, Pattern p, String expected) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(field, "missing; expected " + expected);
    }
    if (!p.matcher(value).matches()) {
      throw new InvalidInputException(field, "invalid " + ErrorText.printable(value) + "; expected " + expected);
    }
    return value;
  }
}
