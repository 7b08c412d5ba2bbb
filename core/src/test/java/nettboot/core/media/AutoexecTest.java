package nettboot.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.pki.Pkcs8;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoexecTest {
  @TempDir
  static Path tmp;
  static EmbeddedCa ca;
  static X509Certificate cert;
  static PrivateKey key;
  static final MediaSpec SPEC = new MediaSpec("acme", "2001:db8:100::53", Arch.X86_64, Path.of("ipxe.efi"));

  @BeforeAll
  static void pki() {
    ca = Tools.pki(tmp.resolve("pki"), "acme", "other");
    cert = Pem.readCertificates(ca.tenantCertPath("acme")).get(0);
    key = Pem.readPrivateKey(ca.tenantKeyPath("acme"));
  }

  static String value(String script, String setting) {
    return script.lines().filter(l -> l.startsWith("set " + setting + " ")).findFirst().orElseThrow()
        .substring(("set " + setting + " ").length());
  }

  @Test
  void theScriptFollowsTheVerifiedRecipe() {
    String s = AutoexecScript.render(SPEC, cert, key);
    List<String> lines = s.lines().toList();

    assertThat(lines.get(0)).isEqualTo("#!ipxe");
    // iPXE's hex setting type wants colon-separated pairs; plain hex fails with "Invalid argument"
    assertThat(value(s, "cert")).matches("([0-9a-f]{2}:)+[0-9a-f]{2}");
    assertThat(value(s, "privkey")).matches("([0-9a-f]{2}:)+[0-9a-f]{2}");
    assertThat(s).endsWith("exit 1\n");
    assertThat(lines).doesNotContain("exit", "exit 0");
    assertThat(s).doesNotContain("autoconf6").doesNotContain("|| true").doesNotContain("dhcp");
    assertThat(lines).noneMatch(l -> l.matches("\\s*true\\s*") || l.matches("^ifconf\\s*$"));
    int certfree = lines.indexOf("certfree");
    int setCert = indexOfPrefix(lines, "set cert ");
    int setKey = indexOfPrefix(lines, "set privkey ");
    int certstore = indexOfPrefix(lines, "certstore file:/ca.pem || echo ");
    int chain = indexOfPrefix(lines, "chain ");
    assertThat(certfree).isPositive();
    assertThat(certfree).isLessThan(setCert).isLessThan(setKey).isLessThan(certstore);
    assertThat(certstore).isLessThan(indexOfPrefix(lines, "ifconf "));
    assertThat(lines).contains(
        "set server 2001:db8:100::53",
        "inc tries",
        "ifconf -c ipv6 && goto online ||",
        "iseq ${tries} 5 && goto noaddress ||",
        "sleep 2",
        "goto ifconf",
        "set id ${uuid}",
        "iseq ${id} 00000000-0000-0000-0000-000000000000 && clear id ||",
        "iseq ${id} ffffffff-ffff-ffff-ffff-ffffffffffff && clear id ||",
        "iseq ${id} FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF && clear id ||",
        "isset ${id} || set id ${net0/mac:hexhyp}",
        "chain --timeout 5000 https://[${server}]/v1/boot/${id} || goto localboot",
        ":localboot");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("exit 1");
    assertThat(lines.indexOf(":localboot")).isGreaterThan(chain);
    // every label that is jumped to exists
    for (String l : lines) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("goto (\\w+)").matcher(l);
      while (m.find()) {
        assertThat(lines).as("label of " + l).contains(":" + m.group(1));
      }
    }
  }

  @Test
  void aPortOtherThan443IsInTheUrl() {
    String s = AutoexecScript.render(new MediaSpec("acme", "2001:db8:100::53", 8443, Arch.X86_64, Path.of("x")), cert, key);
    assertThat(s).contains("chain --timeout 5000 https://[${server}]:8443/v1/boot/${id} || goto localboot\n");
  }

  @Test
  void certAndKeyAreTheTenantsAsDerHexAndTheKeyIsPkcs8WithItsPublicPart() throws Exception {
    String s = AutoexecScript.render(SPEC, cert, key);
    byte[] certDer = HexFormat.ofDelimiter(":").parseHex(value(s, "cert"));
    assertThat(certDer).isEqualTo(cert.getEncoded());
    X509Certificate back = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(certDer));
    assertThat(back).isEqualTo(cert);

    byte[] keyDer = HexFormat.ofDelimiter(":").parseHex(value(s, "privkey"));
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keyDer);
    ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
    assertThat(ec.getKey()).isEqualTo(((java.security.interfaces.ECPrivateKey) key).getS());
    assertThat(ec.getPublicKey()).as("the public key is inside the PKCS#8").isNotNull();
    assertThat(ec.getPublicKey().getBytes()).isEqualTo(
        SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded()).getPublicKeyData().getBytes());

    // OpenSSL reads it and finds the public part
    Path der = tmp.resolve("acme-key.der");
    java.nio.file.Files.write(der, keyDer);
    String text = new String(Tools.ok("openssl", "pkey", "-inform", "DER", "-in", der.toString(),
        "-text", "-noout"), java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(text).contains("pub:").contains("P-256");
  }

  @Test
  void theEncodingIsWhatOpenSslWritesForAKeyOfItsOwn() throws Exception {
    Path k = tmp.resolve("openssl.key");
    Path c = tmp.resolve("openssl.crt");
    Tools.ok("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", k.toString());
    Tools.ok("openssl", "req", "-x509", "-new", "-key", k.toString(), "-subj", "/CN=t", "-days", "1", "-out", c.toString());
    byte[] openssl = Tools.ok("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", k.toString(), "-outform", "DER");
    byte[] ours = Pkcs8.withPublicKey(Pem.readPrivateKey(k), Pem.readCertificates(c).get(0), "k");
    assertThat(ours).isEqualTo(openssl);
  }

  @Test
  void theKeyIsNeverEchoedAndAppearsOnlyInItsSetLine() {
    String s = AutoexecScript.render(SPEC, cert, key);
    String hex = value(s, "privkey");
    assertThat(s.indexOf(hex)).isEqualTo(s.lastIndexOf(hex));
    assertThat(s.lines().filter(l -> l.startsWith("echo"))).noneMatch(l -> l.contains("privkey") || l.length() > 120);
  }

  @Test
  void aKeyOfAnotherTenantIsRefused() {
    PrivateKey other = Pem.readPrivateKey(ca.tenantKeyPath("other"));
    assertThatThrownBy(() -> AutoexecScript.render(SPEC, cert, other))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not belong to the tenant certificate");
  }

  @Test
  void theAddressMustBeAStrictIpv6Literal() {
    for (String bad : List.of("2001:db8:meta::1", "[2001:db8::1]", "192.0.2.1", "meta.example.net", "fe80::1%eth0", "")) {
      assertThatThrownBy(() -> new MediaSpec("acme", bad, Arch.X86_64, Path.of("x")))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("metadataServer"));
    }
    assertThatThrownBy(() -> new MediaSpec("acme", "2001:db8:meta::1", Arch.X86_64, Path.of("x")))
        .hasMessageContaining("2001:db8:meta::1");
    assertThat(new MediaSpec("acme", "2001:DB8:0:0::53", Arch.X86_64, Path.of("x")).metadataServer())
        .isEqualTo("2001:db8::53");
    assertThatThrownBy(() -> new MediaSpec("acme", "::1", 0, Arch.X86_64, Path.of("x"))).hasMessageStartingWith("port:");
    assertThatThrownBy(() -> new MediaSpec("Acme!", "::1", Arch.X86_64, Path.of("x"))).hasMessageStartingWith("tenant:");
  }

  @Test
  void theScriptIsReproducible() {
    assertThat(AutoexecScript.render(SPEC, cert, key)).isEqualTo(AutoexecScript.render(SPEC, cert, key));
  }

  private static int indexOfPrefix(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  static boolean unused(byte[] a) {
    return Arrays.equals(a, a);
  }
}
