package nettboot.core.pki;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import nettboot.core.error.InvalidInputException;

/**
 * An external CA's CRL that has been checked: parsed (DER or PEM), its signature verified by one
 * of the trusted CA certificates whose subject is the CRL's issuer, and not stale ({@code
 * nextUpdate} not passed, {@code thisUpdate} not in the future). Certificates are matched by
 * issuer and serial. A CRL that fails any check is refused with {@link InvalidInputException}
 * saying which check, so the caller keeps the previous list.
 */
public final class VerifiedCrl {
  private final X500Principal issuer;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final Map<String, RevocationReason> revoked;

  private VerifiedCrl(X500Principal issuer, Instant thisUpdate, Instant nextUpdate,
      Map<String, RevocationReason> revoked) {
    this.issuer = issuer;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.revoked = Map.copyOf(revoked);
  }

  /** Parses and verifies {@code bytes} from {@code source} against {@code trusted} at {@code now}. */
  public static VerifiedCrl verify(byte[] bytes, String source, List<X509Certificate> trusted, Instant now) {
    X509CRL crl;
    try {
      crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidInputException(source, "not a CRL (DER or PEM): " + e.getMessage());
    }
    if (crl == null) {
      throw new InvalidInputException(source, "not a CRL (DER or PEM)");
    }
    X500Principal issuer = crl.getIssuerX500Principal();
    boolean verified = false;
    for (X509Certificate ca : trusted) {
      if (!ca.getSubjectX500Principal().equals(issuer)) {
        continue;
      }
      try {
        crl.verify(ca.getPublicKey());
        verified = true;
        break;
      } catch (GeneralSecurityException | RuntimeException e) {
        // another CA certificate with the same name may hold the key
      }
    }
    if (!verified) {
      throw new InvalidInputException(source, "signature does not verify with any trusted CA named "
          + issuer.getName());
    }
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    if (thisUpdate.isAfter(now)) {
      throw new InvalidInputException(source, "not yet valid: thisUpdate " + thisUpdate);
    }
    if (crl.getNextUpdate() == null) {
      throw new InvalidInputException(source, "has no nextUpdate: its freshness cannot be judged");
    }
    Instant nextUpdate = crl.getNextUpdate().toInstant();
    if (!now.isBefore(nextUpdate)) {
      throw new InvalidInputException(source, "stale: nextUpdate " + nextUpdate + " has passed");
    }
    Map<String, RevocationReason> revoked = new HashMap<>();
    if (crl.getRevokedCertificates() != null) {
      for (X509CRLEntry e : crl.getRevokedCertificates()) {
        if (e.getCertificateIssuer() != null && !e.getCertificateIssuer().equals(issuer)) {
          continue; // indirect CRL entries for another issuer are not taken
        }
        RevocationReason reason = e.getRevocationReason() == null ? RevocationReason.UNSPECIFIED
            : RevocationReason.ofCode(e.getRevocationReason().ordinal());
        revoked.put(Revocation.serialOf(e.getSerialNumber()), reason);
      }
    }
    return new VerifiedCrl(issuer, thisUpdate, nextUpdate, revoked);
  }

  /** The reason {@code c} is revoked by this CRL, if it is (same issuer and serial). */
  public Optional<RevocationReason> revoked(X509Certificate c) {
    if (!c.getIssuerX500Principal().equals(issuer)) {
      return Optional.empty();
    }
    return Optional.ofNullable(revoked.get(Revocation.serialOf(c)));
  }

  public X500Principal issuer() {
    return issuer;
  }

  public Instant thisUpdate() {
    return thisUpdate;
  }

  public Instant nextUpdate() {
    return nextUpdate;
  }

  public int size() {
    return revoked.size();
  }
}
