package nettboot.core.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * PKCS#8 re-encoding of a private key so that it carries its public key, as iPXE's {@code set
 * privkey} needs (the JDK writes EC keys without it). The key is checked against the certificate
 * it belongs to; messages never contain key material.
 */
public final class Pkcs8 {
  private Pkcs8() {}

  /**
   * The key as PKCS#8 DER with the public key inside (for EC keys the SEC1 structure's {@code
   * [1] publicKey}, derived from the private scalar and checked against the certificate).
   */
  public static byte[] withPublicKey(PrivateKey key, X509Certificate cert, String source) {
    Objects.requireNonNull(key, "key");
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
      SubjectPublicKeyInfo certKey = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
      if (alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        if (!(alg.getParameters() instanceof ASN1ObjectIdentifier curve)) {
          throw new InvalidInputException(source, "EC key without a named curve; expected P-256 or P-384");
        }
        X9ECParameters params = ECNamedCurveTable.getByOID(curve);
        if (params == null) {
          throw new InvalidInputException(source, "EC key on an unknown curve " + curve.getId());
        }
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        ECPoint q = params.getG().multiply(d).normalize();
        ECPoint certPoint = params.getCurve().decodePoint(certKey.getPublicKeyData().getBytes());
        if (!certKey.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
            || !q.equals(certPoint)) {
          throw new InvalidInputException(source, "the private key does not belong to the tenant certificate");
        }
        ECPrivateKey sec1 = new ECPrivateKey(params.getN().bitLength(), d,
            new DERBitString(q.getEncoded(false)), null);
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1)
            .getEncoded(ASN1Encoding.DER);
      }
      if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
        RSAPrivateKey rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
        RSAPublicKey pub = RSAPublicKey.getInstance(certKey.parsePublicKey());
        if (!rsa.getModulus().equals(pub.getModulus())) {
          throw new InvalidInputException(source, "the private key does not belong to the tenant certificate");
        }
        return info.getEncoded(ASN1Encoding.DER); // an RSA private key always carries its modulus
      }
      throw new InvalidInputException(source, "unsupported key algorithm " + alg.getAlgorithm().getId()
          + "; expected an EC (P-256) or RSA key");
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException iie) {
        throw iie;
      }
      throw new InvalidInputException(source, "the private key cannot be re-encoded as PKCS#8");
    }
  }
}
