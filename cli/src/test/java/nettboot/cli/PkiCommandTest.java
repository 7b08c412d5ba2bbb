package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {
  @Test
  void initTenantAndAdminWriteTheContractFilesAndRefuseToOverwrite(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("pki");
    assertThat(Main.run("pki", "init", "--dir", dir.toString(), "--boot-domain", "boot.example.net",
        "--server-address", "fd00:0:0:1::1", "--server-address", "::1")).isEqualTo(0);
    for (String f : new String[] {"root-ca.crt", "root-ca.key", "server.crt", "server.key"}) {
      assertThat(dir.resolve(f)).exists();
    }
    assertThat(Files.readString(dir.resolve("server.crt"))).containsPattern("(?s)BEGIN CERTIFICATE.*BEGIN CERTIFICATE");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.key")))).isEqualTo("rw-------");
    assertThat(Main.run("pki", "tenant", "--dir", dir.toString(), "--tenant", "acme")).isEqualTo(0);
    assertThat(dir.resolve("tenants/acme.crt")).exists();
    assertThat(dir.resolve("tenants/acme.key")).exists();
    assertThat(Main.run("pki", "admin", "--dir", dir.toString(), "--name", "maskin")).isEqualTo(0);
    assertThat(dir.resolve("admins/maskin.crt")).exists();

    assertThat(Main.run("pki", "init", "--dir", dir.toString(), "--boot-domain", "boot.example.net",
        "--server-address", "::1")).as("an existing CA is never overwritten").isEqualTo(Main.EXIT_CONFLICT);
  }

  @Test
  void invalidIpv6TextIsRefusedNamingTheValue(@TempDir Path tmp) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true));
    int code;
    try {
      code = Main.run("pki", "init", "--dir", tmp.resolve("p").toString(), "--boot-domain", "boot.example.net",
          "--server-address", "2001:db8:meta::1");
    } finally {
      System.setErr(old);
    }
    assertThat(code).isEqualTo(Main.EXIT_INVALID);
    assertThat(tmp.resolve("p/root-ca.key")).doesNotExist();
  }

  @Test
  void helpExplainsEveryCommand() {
    assertThat(Main.run("--help")).isEqualTo(0);
    assertThat(Main.run("pki", "init", "--help")).isEqualTo(0);
    assertThat(Main.run("serve", "--help")).isEqualTo(0);
    assertThat(Main.run("pki", "init")).as("missing required options").isEqualTo(2);
  }
}
