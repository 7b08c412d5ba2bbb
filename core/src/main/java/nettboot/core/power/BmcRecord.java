package nettboot.core.power;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pem;
import nettboot.core.redfish.BmcTarget;

/**
 * A machine's BMC as enrolled: base URL (https only), the pinned certificate(s) in PEM, the user,
 * and where the password is ({@link CredentialRef}); never the password.
 */
public record BmcRecord(String machineKey, URI url, String certificatePem, String user,
    CredentialRef credential, Instant updatedAt) {
  /** Longest accepted PEM text. */
  public static final int MAX_PEM = 64 * 1024;
  public static final int MAX_USER = 256;

  public BmcRecord {
    Objects.requireNonNull(machineKey, "machineKey");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(updatedAt, "updatedAt");
    url = BmcTarget.requireBmcUrl("url", url == null ? null : url.toString());
    if (!"https".equals(url.getScheme())) {
      throw new InvalidInputException("url", "a BMC the server power-cycles is reached over https");
    }
    if (certificatePem == null || certificatePem.isBlank() || certificatePem.length() > MAX_PEM) {
      throw new InvalidInputException("certificate",
          "missing or too long: the BMC's certificate (or its CA) in PEM, pinned");
    }
    if (user == null || user.isBlank() || user.length() > MAX_USER
        || user.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("user", "missing, too long or not one line");
    }
    certificates(certificatePem);
  }

  /** The pinned certificates; InvalidInputException (field "certificate") when the PEM holds none. */
  public static List<X509Certificate> certificates(String pem) {
    try {
      List<X509Certificate> certs = Pem.parseCertificates(pem, "certificate");
      if (certs.isEmpty()) {
        throw new InvalidInputException("certificate", "no CERTIFICATE block in the PEM text");
      }
      return certs;
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidInputException("certificate", "not a PEM certificate: " + e.getMessage());
    }
  }
}
