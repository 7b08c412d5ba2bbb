package nettboot.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.CrlIssuer;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.pki.RevocationLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pki crl}: the signed CRL of everything in DIR/revoked.tsv. */
@Command(name = "crl", mixinStandardHelpOptions = true,
    description = {"Sign a CRL of every certificate revoked with 'pki revoke': DIR/crl.der and",
        "DIR/crl.pem (or --out BASE.der/.pem), signed by the issuing CA. Servers load it with",
        "'serve --crl FILE|URL'; publish a new one before its next update."})
final class PkiCrlCommand implements Runnable {
  @Option(names = "--dir", required = true, description = "PKI directory made by 'pki init'")
  Path dir;

  @Option(names = "--days", defaultValue = "7",
      description = "Days until the CRL's next update, after which it is stale (default: ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--issuer-cert", description = "CA certificate that signs (default: DIR/root-ca.crt)")
  Path issuerCert;

  @Option(names = "--issuer-key", description = "Its private key (default: DIR/root-ca.key)")
  Path issuerKey;

  @Option(names = "--out", description = "Base path of the output files (default: DIR/crl)")
  Path out;

  @Override
  public void run() {
    if (days < 1 || days > 366) {
      throw new InvalidInputException("--days", days + " is outside 1..366");
    }
    X509Certificate issuer = Pem.readCertificates(issuerCert != null ? issuerCert
        : dir.resolve(EmbeddedCa.ROOT_CERT)).get(0);
    PrivateKey key = Pem.readPrivateKey(issuerKey != null ? issuerKey : dir.resolve(EmbeddedCa.ROOT_KEY));
    RevocationLedger ledger = RevocationLedger.read(dir);
    Instant now = Clock.systemUTC().instant();
    X509CRL crl = CrlIssuer.sign(issuer, key, ledger.entries(), now, now.plus(Duration.ofDays(days)));
    Path base = out != null ? out : dir.resolve("crl");
    Path der = base.resolveSibling(base.getFileName() + ".der");
    Path pem = base.resolveSibling(base.getFileName() + ".pem");
    try {
      SecureFiles.write(der, crl.getEncoded(), false, true);
    } catch (CRLException e) {
      throw new IllegalStateException("cannot encode the CRL", e);
    }
    SecureFiles.write(pem, CrlIssuer.pem(crl).getBytes(StandardCharsets.US_ASCII), false, true);
    System.out.println("signed CRL of " + ledger.entries().size() + " revoked certificate(s) by "
        + issuer.getSubjectX500Principal().getName() + ": " + der + ", " + pem
        + " (next update " + crl.getNextUpdate().toInstant() + ")");
  }
}
