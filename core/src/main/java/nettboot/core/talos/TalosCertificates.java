package nettboot.core.talos;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import nettboot.core.pki.Pem;
import nettboot.core.talos.ClusterSecrets.CertAndKey;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The certificate mechanics of a Talos secrets bundle, in the forms Talos itself writes: ECDSA
 * P-256 CAs for etcd, Kubernetes and the front proxy (keys as SEC1 "EC PRIVATE KEY"), the Ed25519
 * OS CA and its client certificates (keys as PKCS#8 v0 under "ED25519 PRIVATE KEY").
 */
final class TalosCertificates {
  private TalosCertificates() {}

  /**
   * A client certificate ({@code O=organisation}), Ed25519, issued by the Ed25519 CA {@code ca},
   * valid for {@code validity} (backdated an hour against clocks running behind).
   */
  static CertAndKey clientCertificate(CertAndKey ca, String organisation, Clock clock, Duration validity) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      X509Certificate caCert = Pem.parseCertificates(ca.crtPem(), "Talos OS CA").get(0);
      PrivateKey caKey = Pem.parsePrivateKey(ca.keyPem().replace("ED25519 PRIVATE KEY", "PRIVATE KEY"), "Talos OS CA key");
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(random),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)),
          subject(organisation, null), kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("Ed25519").build(caKey)));
      return new CertAndKey(Pem.certificatesToPem(List.of(cert)), ed25519PrivateKeyPem(kp.getPrivate()));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a Talos client certificate", e);
    }
  }

  static CertAndKey ecdsaCa(X500Name subject, Instant nb, Instant na, SecureRandom random) {
    KeyPair kp = ecdsaKeyPair(random);
    X509Certificate cert = selfSigned(subject, kp, "SHA256withECDSA", nb, na, random);
    return new CertAndKey(Pem.certificatesToPem(List.of(cert)), ecPrivateKeyPem(kp.getPrivate()));
  }

  static CertAndKey ed25519Ca(X500Name subject, Instant nb, Instant na, SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(255, random);
      KeyPair kp = g.generateKeyPair();
      X509Certificate cert = selfSigned(subject, kp, "Ed25519", nb, na, random);
      return new CertAndKey(Pem.certificatesToPem(List.of(cert)), ed25519PrivateKeyPem(kp.getPrivate()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available", e);
    }
  }

  static X509Certificate selfSigned(X500Name subject, KeyPair kp, String alg, Instant nb,
      Instant na, SecureRandom random) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
          Date.from(nb), Date.from(na), subject, kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign
          | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(alg).build(kp.getPrivate())));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  static X500Name subject(String organisation, String commonName) {
    X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
    if (organisation != null) {
      nb.addRDN(BCStyle.O, organisation);
    }
    if (commonName != null) {
      nb.addRDN(BCStyle.CN, commonName);
    }
    return nb.build();
  }

  static KeyPair ecdsaKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 is not available", e);
    }
  }

  /** SEC1 "EC PRIVATE KEY", the form Talos writes for ECDSA keys. */
  static String ecPrivateKeyPem(PrivateKey key) {
    try {
      ASN1Primitive sec1 = PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey().toASN1Primitive();
      return pem("EC PRIVATE KEY", sec1.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PKCS#8 (version 0, no public key) under Talos's "ED25519 PRIVATE KEY" label. */
  static String ed25519PrivateKeyPem(PrivateKey key) {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      PrivateKeyInfo v0 = new PrivateKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
          info.parsePrivateKey());
      return pem("ED25519 PRIVATE KEY", v0.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sw.toString();
  }

  static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }
}
