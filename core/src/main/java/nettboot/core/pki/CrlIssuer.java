package nettboot.core.pki;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs a certificate revocation list (X.509 v2 CRL) with the issuing CA's key: one entry per
 * revoked serial with its reason code, the CRL number (the issue time in seconds, so it grows),
 * the authority key identifier, and {@code nextUpdate} after which a relying party treats the list
 * as stale. Pure: the caller reads the key and writes the files.
 */
public final class CrlIssuer {
  private CrlIssuer() {}

  /** A CRL by {@code issuer} listing {@code revoked}, valid from {@code thisUpdate} to {@code nextUpdate}. */
  public static X509CRL sign(X509Certificate issuer, PrivateKey issuerKey, List<Revocation> revoked,
      Instant thisUpdate, Instant nextUpdate) {
    if (!nextUpdate.isAfter(thisUpdate)) {
      throw new IllegalArgumentException("nextUpdate must be after thisUpdate");
    }
    X509v2CRLBuilder b = new JcaX509v2CRLBuilder(issuer.getSubjectX500Principal(), Date.from(thisUpdate));
    b.setNextUpdate(Date.from(nextUpdate));
    for (Revocation r : revoked) {
      b.addCRLEntry(new BigInteger(r.serial(), 16), Date.from(r.revokedAt()), r.reason().code);
    }
    try {
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(thisUpdate.getEpochSecond())));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
      return new JcaX509CRLConverter().getCRL(b.build(
          new JcaContentSignerBuilder(X509Issuer.SIGNATURE_ALGORITHM).build(issuerKey)));
    } catch (CertIOException | CRLException | OperatorCreationException
        | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot sign the CRL: " + e.getMessage(), e);
    }
  }

  /** The CRL in PEM ({@code -----BEGIN X509 CRL-----}). */
  public static String pem(X509CRL crl) {
    try {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          .encodeToString(crl.getEncoded());
      return "-----BEGIN X509 CRL-----\n" + b64 + "\n-----END X509 CRL-----\n";
    } catch (CRLException e) {
      throw new IllegalStateException("cannot encode the CRL", e);
    }
  }
}
