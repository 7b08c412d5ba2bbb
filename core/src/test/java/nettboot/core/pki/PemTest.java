package nettboot.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path tmp;

  @Test
  void certificatesRoundTripInOrder() {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.example", List.of("fd00::1"), Clock.systemUTC());
    List<X509Certificate> chain = Pem.readCertificates(ca.serverCertPath());
    String pem = Pem.certificatesToPem(chain);
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Pem.parseCertificates(pem, "x")).containsExactlyElementsOf(chain);
  }

  @Test
  void certificatesAreFoundNextToOtherBlocks() throws Exception {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.example", List.of("fd00::1"), Clock.systemUTC());
    String combined = Files.readString(ca.serverKeyPath()) + Files.readString(ca.serverCertPath());
    assertThat(Pem.parseCertificates(combined, "combined")).hasSize(2);
    assertThat(Pem.parsePrivateKey(combined, "combined").getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void fingerprintIsSha256OfDerAsLowerHex() throws Exception {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.example", List.of("fd00::1"), Clock.systemUTC());
    String fp = Pem.sha256Fingerprint(ca.rootCertificate());
    assertThat(fp).matches("[0-9a-f]{64}");
    assertThat(ca.rootFingerprint()).isEqualTo(fp);
    OpenSsl.assumeAvailable();
    OpenSsl.Result r = OpenSsl.run(tmp, "x509", "-in", ca.rootCertPath().toString(), "-noout",
        "-fingerprint", "-sha256");
    assertThat(r.exitCode()).isZero();
    String openssl = r.output().trim().replaceAll("(?i)^sha256 fingerprint=", "").replace(":", "").toLowerCase();
    assertThat(openssl).isEqualTo(fp);
  }

  @Test
  void keyWrittenByPemIsReadableByOpensslPkey() throws Exception {
    OpenSsl.assumeAvailable();
    KeyPair kp = p256();
    Path file = tmp.resolve("k.key");
    Files.writeString(file, Pem.privateKeyToPem(kp.getPrivate()));
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
    OpenSsl.Result r = OpenSsl.run(tmp, "pkey", "-in", file.toString(), "-noout", "-text");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("prime256v1");
    OpenSsl.Result check = OpenSsl.run(tmp, "pkey", "-in", file.toString(), "-check", "-noout");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("valid");
  }

  @Test
  void readsOpensslSec1AndPkcs8EcKeys() throws Exception {
    OpenSsl.assumeAvailable();
    Path sec1 = tmp.resolve("sec1.pem");
    assertThat(OpenSsl.run(tmp, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
        sec1.toString()).exitCode()).isZero();
    assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
    Path pkcs8 = tmp.resolve("pkcs8.pem");
    assertThat(OpenSsl.run(tmp, "genpkey", "-algorithm", "EC", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-out", pkcs8.toString()).exitCode()).isZero();
    assertThat(Files.readString(pkcs8)).contains("BEGIN PRIVATE KEY");

    for (Path p : List.of(sec1, pkcs8)) {
      PrivateKey key = Pem.readPrivateKey(p);
      assertThat(key.getAlgorithm()).isEqualTo("EC");
      // the key signs something openssl's public half of the same key verifies
      Path pubPem = tmp.resolve(p.getFileName() + ".pub");
      assertThat(OpenSsl.run(tmp, "pkey", "-in", p.toString(), "-pubout", "-out", pubPem.toString())
          .exitCode()).isZero();
      byte[] data = "nett-boot".getBytes(StandardCharsets.UTF_8);
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(data);
      Path sig = tmp.resolve(p.getFileName() + ".sig");
      Path msg = tmp.resolve("msg");
      Files.write(sig, s.sign());
      Files.write(msg, data);
      OpenSsl.Result v = OpenSsl.run(tmp, "dgst", "-sha256", "-verify", pubPem.toString(),
          "-signature", sig.toString(), msg.toString());
      assertThat(v.exitCode()).as(v.output()).isZero();
    }
  }

  @Test
  void missingFileIsNamed() {
    Path missing = tmp.resolve("nope.pem");
    assertThatThrownBy(() -> Pem.readCertificates(missing))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(missing.toString()))
        .hasMessageContaining("not found");
  }

  @Test
  void fileWithoutCertificateSaysWhatWasExpected() throws Exception {
    Path f = tmp.resolve("key-only.pem");
    Files.writeString(f, Pem.privateKeyToPem(p256().getPrivate()));
    assertThatThrownBy(() -> Pem.readCertificates(f))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(f.toString()))
        .hasMessageContaining("no certificate found")
        .hasMessageContaining("BEGIN CERTIFICATE");
  }

  @Test
  void fileWithoutKeySaysWhatWasExpected() throws Exception {
    Path f = tmp.resolve("text.pem");
    Files.writeString(f, "hello\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(f))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(f.toString()))
        .hasMessageContaining("no private key found")
        .hasMessageContaining("PRIVATE KEY");
  }

  @Test
  void corruptBase64IsRefusedWithoutEchoingContent() throws Exception {
    Path f = tmp.resolve("corrupt.pem");
    Files.writeString(f, "-----BEGIN PRIVATE KEY-----\nSECRET!!!notbase64***\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f.toString())
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void twoKeysAreRefused() {
    String two = Pem.privateKeyToPem(p256().getPrivate()) + Pem.privateKeyToPem(p256().getPrivate());
    assertThatThrownBy(() -> Pem.parsePrivateKey(two, "both.pem"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("more than one private key");
  }

  @Test
  void pkcs8RoundTripKeepsTheKey() throws Exception {
    KeyPair kp = p256();
    PrivateKey back = Pem.parsePrivateKey(Pem.privateKeyToPem(kp.getPrivate()), "mem");
    assertThat(signsFor(back, kp.getPublic())).isTrue();
    assertThat(HexFormat.of().formatHex(back.getEncoded()))
        .isEqualTo(HexFormat.of().formatHex(kp.getPrivate().getEncoded()));
  }

  static boolean signsFor(PrivateKey key, PublicKey pub) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(pub);
    v.update(new byte[] {1, 2, 3});
    return v.verify(sig);
  }

  static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
