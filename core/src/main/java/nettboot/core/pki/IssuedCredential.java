package nettboot.core.pki;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate the CA has just issued and where it and its private key were written. The key
 * itself is deliberately not part of this value (read it from {@code keyPath} where it is needed).
 */
public record IssuedCredential(X509Certificate certificate, Path certificatePath, Path keyPath) {
  public IssuedCredential {
    Objects.requireNonNull(certificate);
    Objects.requireNonNull(certificatePath);
    Objects.requireNonNull(keyPath);
  }
}
