package nettboot.edge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import nettboot.core.error.InvalidInputException;

/** Validity of the certificates the server presents and trusts, for /readyz. */
final class CertificateStatus {
  private final List<X509Certificate> certificates;
  private final Clock clock;

  CertificateStatus(List<Path> files, Clock clock) {
    this.clock = clock;
    List<X509Certificate> all = new ArrayList<>();
    for (Path p : files) {
      try (InputStream in = Files.newInputStream(p)) {
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          all.add((X509Certificate) c);
        }
      } catch (IOException | CertificateException e) {
        throw new InvalidInputException(p.toString(), "cannot read certificates: " + e.getMessage());
      }
      if (all.isEmpty()) {
        throw new InvalidInputException(p.toString(), "no PEM certificate found");
      }
    }
    this.certificates = List.copyOf(all);
  }

  /** Empty when every certificate is valid now, else why not. */
  String problem() {
    Instant now = clock.instant();
    for (X509Certificate c : certificates) {
      if (now.isBefore(c.getNotBefore().toInstant())) {
        return "certificate " + c.getSubjectX500Principal().getName() + " is not valid before "
            + c.getNotBefore().toInstant();
      }
      if (now.isAfter(c.getNotAfter().toInstant())) {
        return "certificate " + c.getSubjectX500Principal().getName() + " expired at "
            + c.getNotAfter().toInstant();
      }
    }
    return "";
  }
}
