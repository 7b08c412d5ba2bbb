package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.Pem;
import nettboot.core.pki.Revocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pki revoke} and {@code pki crl}: the ledger, and a CRL that openssl verifies and reads. */
class PkiRevokeCommandTest {
  @Test
  void revokeByTenantCertAndSerialThenSignACrlOpensslVerifies(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("pki");
    String d = dir.toString();
    assertThat(Main.run("pki", "init", "--dir", d, "--boot-domain", "boot.example.net",
        "--server-address", "::1")).isEqualTo(0);
    assertThat(Main.run("pki", "tenant", "--dir", d, "--tenant", "acme")).isEqualTo(0);
    assertThat(Main.run("pki", "tenant", "--dir", d, "--tenant", "globex")).isEqualTo(0);
    assertThat(Main.run("pki", "admin", "--dir", d, "--name", "maskin")).isEqualTo(0);
    String acme = Revocation.serialOf(Pem.readCertificates(dir.resolve("tenants/acme.crt")).get(0));
    String maskin = Revocation.serialOf(Pem.readCertificates(dir.resolve("admins/maskin.crt")).get(0));

    assertThat(Main.run("pki", "revoke", "--dir", d, "--tenant", "acme", "--reason", "key-compromise")).isEqualTo(0);
    assertThat(Main.run("pki", "revoke", "--dir", d, "--certificate", dir.resolve("admins/maskin.crt").toString(),
        "--reason", "cessation-of-operation")).isEqualTo(0);
    assertThat(Main.run("pki", "revoke", "--dir", d, "--serial", acme.toUpperCase())).as("again: no change").isEqualTo(0);
    assertThat(Main.run("pki", "revoke", "--dir", d, "--serial", "zz")).isEqualTo(Main.EXIT_INVALID);
    assertThat(Main.run("pki", "revoke", "--dir", d, "--tenant", "nobody")).isEqualTo(Main.EXIT_NOT_FOUND);
    assertThat(Main.run("pki", "revoke", "--dir", d, "--serial", "01", "--reason", "lost")).isEqualTo(Main.EXIT_INVALID);
    assertThat(Files.readAllLines(dir.resolve("revoked.tsv"))).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith(acme + "\tacme\tkey-compromise\t"))
        .anySatisfy(l -> assertThat(l).startsWith(maskin + "\t\tcessation-of-operation\t"));

    assertThat(Main.run("pki", "crl", "--dir", d, "--days", "3")).isEqualTo(0);
    assertThat(dir.resolve("crl.der")).exists();
    Process p = new ProcessBuilder(List.of("openssl", "crl", "-in", dir.resolve("crl.pem").toString(),
        "-CAfile", dir.resolve("root-ca.crt").toString(), "-noout", "-text"))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(0);
    assertThat(out).contains("verify OK").containsIgnoringCase(acme).containsIgnoringCase(maskin)
        .contains("Key Compromise").contains("Cessation Of Operation").contains("Next Update");
  }
}
