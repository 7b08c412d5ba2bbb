package nettboot.edge;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks on a client chain that the JDK's PKIX trust manager leaves out, run after it has
 * accepted the chain: the trust anchor's own basic constraints (PKIX treats the anchor as a bare
 * name and key, so a root with {@code pathLenConstraint 0} would accept a leaf under an
 * intermediate made by it), every CA certificate's basic constraints and key usage, and the leaf's
 * extended key usage, which must be present and name clientAuth (PKIX accepts a leaf without the
 * extension).
 */
final class ChainConstraints {
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;

  private ChainConstraints() {}

  /**
   * @param chain the client's chain, leaf first, already validated by PKIX
   * @param anchors the trusted roots
   */
  static void check(X509Certificate[] chain, X509Certificate[] anchors) throws CertificateException {
    X509Certificate leaf = chain[0];
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException("the client certificate is a CA certificate");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null && !ku[DIGITAL_SIGNATURE]) {
      throw new CertificateException("the client certificate's key usage lacks digitalSignature");
    }
    if (!clientAuth(leaf)) {
      throw new CertificateException("the client certificate's extended key usage lacks clientAuth");
    }
    // the path as sent, up to (not including) a trusted root
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (isAnchor(c, anchors)) {
        break;
      }
      if (!path.isEmpty() && !path.get(path.size() - 1).getIssuerX500Principal()
          .equals(c.getSubjectX500Principal())) {
        break; // not part of the path (PKIX built it from what follows the leaf)
      }
      path.add(c);
    }
    for (int i = 1; i < path.size(); i++) {
      requireCa(path.get(i), i - 1, "an intermediate certificate");
    }
    X509Certificate top = path.get(path.size() - 1);
    X509Certificate anchor = issuer(top, anchors);
    if (anchor == null) {
      throw new CertificateException("no trusted root issued the client chain");
    }
    requireCa(anchor, path.size() - 1, "the root certificate");
  }

  /** A CA certificate with {@code below} intermediate CA certificates under it in the path. */
  private static void requireCa(X509Certificate ca, int below, String what) throws CertificateException {
    int pathLen = ca.getBasicConstraints();
    if (pathLen < 0) {
      throw new CertificateException(what + " in the client chain is not a CA");
    }
    if (below > pathLen) {
      throw new CertificateException("path length constraint exceeded: " + what + " allows "
          + pathLen + " intermediate certificate(s) under it, the chain has " + below);
    }
    boolean[] ku = ca.getKeyUsage();
    if (ku != null && !ku[KEY_CERT_SIGN]) {
      throw new CertificateException(what + " in the client chain may not sign certificates");
    }
  }

  private static boolean clientAuth(X509Certificate leaf) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      return eku != null && eku.contains(CLIENT_AUTH);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  private static boolean isAnchor(X509Certificate c, X509Certificate[] anchors) {
    for (X509Certificate a : anchors) {
      if (a.equals(c)) {
        return true;
      }
    }
    return false;
  }

  private static X509Certificate issuer(X509Certificate c, X509Certificate[] anchors) {
    for (X509Certificate a : anchors) {
      if (a.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        try {
          c.verify(a.getPublicKey());
          return a;
        } catch (GeneralSecurityException e) {
          // another root with the same name
        }
      }
    }
    return null;
  }
}
