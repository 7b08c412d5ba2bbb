package nettboot.core.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 mechanics of the embedded CA: ECDSA P-256 keys, 128-bit random serials,
 * ecdsa-with-SHA256 signatures, and the extensions of a root (CA, pathLen 0) and of a leaf (not a
 * CA, digitalSignature, one extended key usage, key identifiers chained to the root). Who gets
 * which subject and validity is {@link EmbeddedCa}'s policy.
 */
final class X509Issuer {
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  static final String CURVE = "secp256r1";

  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final SecureRandom random;

  X509Issuer(X509Certificate root, PrivateKey rootKey, SecureRandom random) {
    this.root = root;
    this.rootKey = rootKey;
    this.random = random;
  }

  /** A self-signed root: CA with pathLen 0 (it signs leaves directly), keyCertSign and cRLSign. */
  static X509Certificate selfSignedRoot(X500Name subject, KeyPair kp, Instant notBefore, Instant notAfter,
      SecureRandom random) {
    SubjectKeyIdentifier ski = extensionUtils().createSubjectKeyIdentifier(kp.getPublic());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
        Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
    try {
      // pathLen 0: the root signs leaves directly and no intermediate may be made under it
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ski);
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode root CA extensions", e);
    }
    return sign(b, kp.getPrivate());
  }

  /**
   * A leaf signed by the root, valid from {@code notBefore} to {@code notAfter} but never beyond
   * the root's own expiry.
   *
   * @param sans subject alternative names, or null for none
   */
  X509Certificate leaf(X500Name subject, PublicKey key, Instant notBefore, Instant notAfter,
      KeyPurposeId purpose, GeneralNames sans) {
    Instant rootNotAfter = root.getNotAfter().toInstant();
    if (notAfter.isAfter(rootNotAfter)) {
      notAfter = rootNotAfter; // a leaf never outlives its issuer
    }
    X500Name issuer = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(random),
        Date.from(notBefore), Date.from(notAfter), subject, key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(rootKeyId()));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode certificate extensions", e);
    }
    return sign(b, rootKey);
  }

  /** The root's own subject key identifier, so AKI always matches it byte for byte. */
  private byte[] rootKeyId() {
    byte[] ext = root.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext != null) {
      return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
    }
    return extensionUtils().createSubjectKeyIdentifier(root.getPublicKey()).getKeyIdentifier();
  }

  static KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(CURVE), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 key generation unavailable", e);
    }
  }

  /** Whether {@code key} signs what {@code pub} verifies: the pair belongs together. */
  static boolean keyMatches(PrivateKey key, PublicKey pub) {
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(SIGNATURE_ALGORITHM);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A random positive serial of 128 bits. */
  private static BigInteger serial(SecureRandom random) {
    byte[] b = new byte[16];
    BigInteger s;
    do {
      random.nextBytes(b);
      s = new BigInteger(1, b);
    } while (s.signum() == 0);
    return s;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign certificate", e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 unavailable for key identifiers", e);
    }
  }
}
