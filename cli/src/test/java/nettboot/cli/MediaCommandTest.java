package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import nettboot.core.testsupport.TestAssets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaCommandTest {
  @TempDir
  static Path shared;
  static Path pki;
  static String amd64;

  @BeforeAll
  static void pki() {
    pki = shared.resolve("pki");
    assertThat(Main.run("pki", "init", "--dir", pki.toString(), "--boot-domain", "boot.example.net",
        "--server-address", "2001:db8:100::53")).isZero();
    assertThat(Main.run("pki", "tenant", "--dir", pki.toString(), "--tenant", "acme")).isZero();
    amd64 = TestAssets.ipxeEfi("amd64").toString();
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static String[] build(Path out, String... extra) {
    boolean ownBinary = java.util.Arrays.asList(extra).contains("--ipxe-efi");
    String[] base = ownBinary
        ? new String[] {"media", "build", "--pki", pki.toString(), "--tenant", "acme",
            "--metadata-server", "2001:db8:100::53", "--out", out.toString()}
        : new String[] {"media", "build", "--pki", pki.toString(), "--tenant", "acme",
            "--metadata-server", "2001:db8:100::53", "--ipxe-efi", amd64, "--out", out.toString()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  static long files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  @Test
  void buildWritesBothMediaAndSaysWhat(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("media");
    Run r = run(build(out));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out.resolve("acme.img")).isRegularFile();
    assertThat(out.resolve("acme.iso")).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("acme.img")))).isEqualTo("rw-------");
    assertThat(r.out()).contains(out.resolve("acme.img").toString()).contains(out.resolve("acme.iso").toString())
        .containsPattern("sha256 [0-9a-f]{64}").contains("bytes").contains("bearer credential")
        .doesNotContain("PRIVATE KEY");
    String keyPem = Files.readString(pki.resolve("tenants/acme.key"));
    String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(r.out() + r.err()).doesNotContain(keyBody);
  }

  @Test
  void withoutIpxeEfiTheRepositorysCachedDebianBinaryIsUsed(@TempDir Path tmp) {
    Run r = run("media", "build", "--pki", pki.toString(), "--tenant", "acme", "--metadata-server",
        "2001:db8:100::53", "--port", "8443", "--arch", "arm64", "--out", tmp.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("ipxe-arm64.efi").contains("arm64").contains(":8443");
    assertThat(tmp.resolve("acme.img")).isRegularFile();
  }

  @Test
  void badInputExitsWithTwoOnOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("media");

    Run addr = run("media", "build", "--pki", pki.toString(), "--tenant", "acme",
        "--metadata-server", "2001:db8:meta::1", "--ipxe-efi", amd64, "--out", out.toString());
    assertThat(addr.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(addr.err().strip()).startsWith("talos-fabric-builder media build: --metadata-server: not a valid IPv6 address: \"2001:db8:meta::1\"")
        .doesNotContain("\n");

    Run tenant = run("media", "build", "--pki", pki.toString(), "--tenant", "nobody",
        "--metadata-server", "2001:db8::1", "--ipxe-efi", amd64, "--out", out.toString());
    assertThat(tenant.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(tenant.err()).contains("tenant nobody has no certificate");

    Path fake = Files.writeString(tmp.resolve("fake.efi"), "MZ not really");
    Run binary = run(build(out, "--ipxe-efi", fake.toString()));
    assertThat(binary.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(binary.err()).contains(fake + ": not a PE/COFF EFI application");

    Run arch = run(build(out, "--arch", "arm64"));
    assertThat(arch.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(arch.err()).contains("is an EFI binary for x86_64 (0x8664), not for arm64");

    Run badArch = run(build(out, "--arch", "mips"));
    assertThat(badArch.code()).isEqualTo(Main.EXIT_INVALID);

    Run noPki = run("media", "build", "--pki", tmp.resolve("nopki").toString(), "--tenant", "acme",
        "--metadata-server", "2001:db8::1", "--ipxe-efi", amd64, "--out", out.toString());
    assertThat(noPki.code()).isEqualTo(Main.EXIT_INVALID);

    assertThat(files(out)).isZero();

    Path file = Files.writeString(tmp.resolve("file"), "x");
    Run unwritable = run(build(file.resolve("sub")));
    assertThat(unwritable.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(unwritable.err()).contains(file.resolve("sub") + ": cannot write the media here");
  }

  @Test
  void anIpxeBinaryTooLargeForTheMediumIsInvalidInputNamingTheOption(@TempDir Path tmp) throws Exception {
    byte[] ipxe = Files.readAllBytes(Path.of(amd64));
    Path big = tmp.resolve("big.efi");
    Files.write(big, java.util.Arrays.copyOf(ipxe, ipxe.length + (31 << 20)));
    Path out = tmp.resolve("media");
    Run r = run(build(out, "--ipxe-efi", big.toString()));
    assertThat(r.code()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.err().strip()).startsWith("talos-fabric-builder media build: --ipxe-efi: " + big + " is ")
        .contains("does not fit the ISO's FAT boot image, which El Torito limits to 33553920 bytes").doesNotContain("\n").doesNotContain("Exception");
    assertThat(files(out)).isZero();
  }

  @Test
  void helpSaysTheMediumIsABearerCredential() {
    Run r = run("media", "build", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("BEARER CREDENTIALS").contains("--ipxe-efi").contains("--arch");
    assertThat(run("media", "--help").out()).contains("BEARER CREDENTIALS");
    assertThat(run("--help").out()).contains("media");
    assertThat(run("media", "build").code()).as("missing required options").isEqualTo(2);
  }
}
