package nettboot.core.redfish;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import nettboot.core.pki.Pem;

/**
 * Trusts exactly the pinned BMC certificates: the presented leaf is one of them (host name not
 * checked: the pin is stronger), or the chain is issued by one of them as a CA (host name checked
 * by the PKIX delegate). Nothing else, in particular not the JDK's default CAs.
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
  private final Set<String> pinnedLeaves = new HashSet<>();
  private final X509ExtendedTrustManager pkix;
  private final String source;

  PinningTrustManager(List<X509Certificate> pinned, String source) {
    this.source = source;
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : pinned) {
        pinnedLeaves.add(Pem.sha256Fingerprint(c));
        ks.setCertificateEntry("pin" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      X509ExtendedTrustManager found = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          found = x;
        }
      }
      if (found == null) {
        throw new IllegalStateException("no PKIX trust manager available");
      }
      this.pkix = found;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the pinned trust store", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (leafPinned(chain)) {
      return;
    }
    try {
      pkix.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw mismatch(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (leafPinned(chain)) {
      return;
    }
    try {
      pkix.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw mismatch(chain, e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (leafPinned(chain)) {
      return;
    }
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw mismatch(chain, e);
    }
  }

  private boolean leafPinned(X509Certificate[] chain) {
    return chain != null && chain.length > 0 && pinnedLeaves.contains(Pem.sha256Fingerprint(chain[0]));
  }

  private CertificateException mismatch(X509Certificate[] chain, CertificateException cause) {
    String presented = chain == null || chain.length == 0 ? "no certificate"
        : "certificate sha256 " + Pem.sha256Fingerprint(chain[0]) + " ("
            + chain[0].getSubjectX500Principal().getName() + ")";
    return new CertificateException("BMC presented " + presented + ", which is neither pinned nor "
        + "issued by a CA pinned in " + source + " (" + cause.getMessage() + ")", cause);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("client certificates are not accepted");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("client certificates are not accepted");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client certificates are not accepted");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
