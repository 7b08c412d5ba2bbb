package nettboot.core.redfish;

import java.security.cert.X509Certificate;
import java.util.List;

/** How the BMC's TLS certificate is verified: pinned certificates/CAs, or (explicitly) not at all. */
public sealed interface BmcTrust {

  /**
   * Trust the BMC when it presents one of these certificates as its leaf, or a chain issued by one
   * of them (then the host name is verified too). {@code source} names where they came from.
   */
  record Pinned(List<X509Certificate> certificates, String source) implements BmcTrust {
    public Pinned {
      if (certificates == null || certificates.isEmpty()) {
        throw new IllegalArgumentException("at least one pinned certificate");
      }
      certificates = List.copyOf(certificates);
    }
  }

  /** No verification at all; only on an explicit operator flag, and always logged. */
  record Insecure() implements BmcTrust {}
}
