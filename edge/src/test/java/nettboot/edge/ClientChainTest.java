package nettboot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client chains over real TLS on the boot and admin listeners, with certificates made here under
 * the platform root: a leaf under a CA:TRUE intermediate is refused (the root says pathLen 0), a
 * leaf without the clientAuth extended key usage is refused, and a leaf made the same way with
 * clientAuth directly under the root is served (so the refusals are the constraints, not the test's
 * certificates). TLS 1.2 offers AEAD suites only: a client offering only CBC with SHA-1 is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientChainTest {
  EdgeFixture f;
  Path dir;
  X509Certificate root;
  PrivateKey rootKey;

  @BeforeAll
  void start(@TempDir Path tmp) {
    f = new EdgeFixture(tmp);
    dir = tmp.resolve("made-here");
    root = f.ca.rootCertificate();
    rootKey = Pem.readPrivateKey(f.ca.rootKeyPath());
  }

  @AfterAll
  void stop() {
    f.close();
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, String subject, PublicKey key,
      boolean ca, boolean clientAuth) throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xffff)),
        Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
        new X500Name(subject), key);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
        : KeyUsage.digitalSignature));
    if (clientAuth) {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  /** Writes the chain and key; returns a client presenting them. */
  WebClient clientWith(String name, List<X509Certificate> chain, PrivateKey key) throws Exception {
    Files.createDirectories(dir);
    Path cert = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(cert, Pem.certificatesToPem(chain), StandardCharsets.US_ASCII);
    Files.writeString(keyFile, Pem.privateKeyToPem(key), StandardCharsets.US_ASCII);
    return f.client(f.options(cert, keyFile));
  }

  /** The response, or null when the connection was refused (TLS handshake failure or reset). */
  static HttpResponse<Buffer> tryGet(WebClient c, String url) {
    try {
      return c.getAbs(url).send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  X500Name rootName() {
    return X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
  }

  /** A leaf under an intermediate the root signed, for the subject. */
  WebClient underIntermediate(String name, String subject) throws Exception {
    KeyPair ik = ecKey();
    X509Certificate intermediate = sign(rootName(), rootKey, "O=nett-boot,CN=intermediate " + name,
        ik.getPublic(), true, false);
    KeyPair lk = ecKey();
    X509Certificate leaf = sign(X500Name.getInstance(intermediate.getSubjectX500Principal().getEncoded()),
        ik.getPrivate(), subject, lk.getPublic(), false, true);
    return clientWith(name, List.of(leaf, intermediate), lk.getPrivate());
  }

  @Test
  void aTenantLeafUnderAnIntermediateIsRefusedOnTheBootListener() throws Exception {
    WebClient c = underIntermediate("tenant-b", "O=nett-boot,OU=tenant,CN=globex." + EdgeFixture.DOMAIN);
    for (int i = 0; i < 2; i++) { // the second time would come from the verified-chain cache
      assertThat(tryGet(c, f.bootUrl("/v1/boot/52:54:00:00:00:01"))).isNull();
    }
  }

  @Test
  void anAdminLeafUnderAnIntermediateIsRefusedOnTheAdminListener() throws Exception {
    WebClient c = underIntermediate("admin-b", "O=nett-boot,OU=admin,CN=intruder");
    for (int i = 0; i < 2; i++) {
      assertThat(tryGet(c, f.adminUrl("/v1/admin/machines"))).isNull();
    }
  }

  @Test
  void aLeafWithoutClientAuthIsRefusedAndTheSameWithClientAuthIsServed() throws Exception {
    String subject = "O=nett-boot,OU=tenant,CN=initech." + EdgeFixture.DOMAIN;
    KeyPair k = ecKey();
    WebClient without = clientWith("no-eku", List.of(sign(rootName(), rootKey, subject, k.getPublic(), false, false)),
        k.getPrivate());
    assertThat(tryGet(without, f.bootUrl("/v1/boot/52:54:00:00:00:02"))).isNull();
    KeyPair k2 = ecKey();
    WebClient with = clientWith("eku", List.of(sign(rootName(), rootKey, subject, k2.getPublic(), false, true)),
        k2.getPrivate());
    HttpResponse<Buffer> r = tryGet(with, f.bootUrl("/v1/boot/52:54:00:00:00:02"));
    assertThat(r).isNotNull();
    assertThat(r.statusCode()).isEqualTo(404);
  }

  @Test
  void tls12OffersOnlyAeadSuites() {
    WebClientOptions cbc = f.options(f.ca.tenantCertPath("acme"), f.ca.tenantKeyPath("acme"));
    cbc.setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2"));
    cbc.addEnabledCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
    assertThat(tryGet(f.client(cbc), f.bootUrl("/v1/boot/52:54:00:00:00:03"))).isNull();
    HttpResponse<Buffer> ipxe = tryGet(f.ipxeLike("acme"), f.bootUrl("/v1/boot/52:54:00:00:00:03"));
    assertThat(ipxe).isNotNull();
    assertThat(ipxe.statusCode()).isEqualTo(404);
  }
}
