package nettboot.edge;

import io.vertx.core.http.HttpConnection;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import nettboot.core.pki.ClientIdentity;

/** The verified client certificate of a connection, as a domain identity. */
final class PeerIdentity {
  private PeerIdentity() {}

  /** The identity of the peer; {@code Unrecognised} when there is no verified certificate. */
  static ClientIdentity of(HttpConnection connection, String bootDomain) {
    try {
      List<Certificate> chain = connection.peerCertificates();
      if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) {
        return ClientIdentity.of(leaf, bootDomain);
      }
    } catch (SSLPeerUnverifiedException e) {
      // fall through: no verified certificate
    }
    return new ClientIdentity.Unrecognised("(no client certificate)");
  }
}
