package nettboot.core.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIdentityTest {
  static final String DOMAIN = "boot.example.net";

  @TempDir Path tmp;

  @Test
  void tenantCertificateNamesTheTenant() {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("fd00::1"), Clock.systemUTC());
    ClientIdentity id = ClientIdentity.of(ca.issueTenant("acme-2").certificate(), DOMAIN);
    assertThat(id).isEqualTo(new ClientIdentity.Tenant("acme-2", "CN=acme-2.boot.example.net,OU=tenant,O=nett-boot"));
  }

  @Test
  void adminCertificateNamesTheAdmin() {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("fd00::1"), Clock.systemUTC());
    ClientIdentity id = ClientIdentity.of(ca.issueAdmin("Maskin_svc").certificate(), DOMAIN);
    assertThat(id).isEqualTo(new ClientIdentity.Admin("Maskin_svc", "CN=Maskin_svc,OU=admin,O=nett-boot"));
  }

  @Test
  void tenantOfAnotherBootDomainIsUnrecognised() {
    EmbeddedCa other = EmbeddedCa.init(tmp.resolve("other"), "boot.other.net", List.of("fd00::1"), Clock.systemUTC());
    X509Certificate c = other.issueTenant("acme").certificate();
    assertThat(ClientIdentity.of(c, DOMAIN))
        .isEqualTo(new ClientIdentity.Unrecognised("CN=acme.boot.other.net,OU=tenant,O=nett-boot"));
    assertThat(ClientIdentity.of(c, "other.net")).isInstanceOf(ClientIdentity.Unrecognised.class);
    assertThat(ClientIdentity.of(c, "boot.other.net")).isInstanceOf(ClientIdentity.Tenant.class);
  }

  @Test
  void serverCertificateIsUnrecognised() {
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("fd00::1"), Clock.systemUTC());
    X509Certificate server = Pem.readCertificates(ca.serverCertPath()).get(0);
    assertThat(ClientIdentity.of(server, DOMAIN)).isInstanceOf(ClientIdentity.Unrecognised.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "acme.evilboot.example.net", "a.b.boot.example.net", "ACME.boot.example.net",
    "boot.example.net", ".boot.example.net", "acme.boot.example.net.", "acme"
  })
  void tenantOuWithABadCommonNameIsUnrecognised(String cn) throws Exception {
    X509Certificate c = cert(name(rdn(BCStyle.O, "nett-boot"), rdn(BCStyle.OU, "tenant"), rdn(BCStyle.CN, cn)), true);
    assertThat(ClientIdentity.of(c, DOMAIN)).isInstanceOf(ClientIdentity.Unrecognised.class);
  }

  @Test
  void unknownOuOrMissingAttributesAreUnrecognised() throws Exception {
    assertThat(ClientIdentity.of(cert(name(rdn(BCStyle.OU, "server"), rdn(BCStyle.CN, "acme.boot.example.net")), true), DOMAIN))
        .isInstanceOf(ClientIdentity.Unrecognised.class);
    assertThat(ClientIdentity.of(cert(name(rdn(BCStyle.CN, "acme.boot.example.net")), true), DOMAIN))
        .isEqualTo(new ClientIdentity.Unrecognised("CN=acme.boot.example.net"));
    assertThat(ClientIdentity.of(cert(name(rdn(BCStyle.OU, "admin")), true), DOMAIN))
        .isInstanceOf(ClientIdentity.Unrecognised.class);
    assertThat(ClientIdentity.of(cert(name(rdn(BCStyle.OU, "admin"), rdn(BCStyle.CN, "bad name,x")), true), DOMAIN))
        .isInstanceOf(ClientIdentity.Unrecognised.class);
  }

  @Test
  void repeatedOrMultiValuedAttributesAreUnrecognised() throws Exception {
    // two OUs: one saying admin must not be enough
    X500Name twoOus = name(rdn(BCStyle.OU, "tenant"), rdn(BCStyle.OU, "admin"), rdn(BCStyle.CN, "root"));
    assertThat(ClientIdentity.of(cert(twoOus, true), DOMAIN)).isInstanceOf(ClientIdentity.Unrecognised.class);
    X500Name twoCns = name(rdn(BCStyle.OU, "tenant"), rdn(BCStyle.CN, "acme.boot.example.net"),
        rdn(BCStyle.CN, "other.boot.example.net"));
    assertThat(ClientIdentity.of(cert(twoCns, true), DOMAIN)).isInstanceOf(ClientIdentity.Unrecognised.class);
    RDN multi = new RDN(new AttributeTypeAndValue[] {
      new AttributeTypeAndValue(BCStyle.OU, new DERUTF8String("admin")),
      new AttributeTypeAndValue(BCStyle.CN, new DERUTF8String("alice"))});
    assertThat(ClientIdentity.of(cert(new X500Name(new RDN[] {multi}), true), DOMAIN))
        .isInstanceOf(ClientIdentity.Unrecognised.class);
  }

  @Test
  void aCommaInsideTheCommonNameIsNotASeparator() throws Exception {
    // string splitting would read "OU=admin" out of this CN
    X500Name tricky = name(rdn(BCStyle.OU, "tenant"), rdn(BCStyle.CN, "x,OU=admin,CN=alice"));
    ClientIdentity id = ClientIdentity.of(cert(tricky, true), DOMAIN);
    assertThat(id).isInstanceOf(ClientIdentity.Unrecognised.class);
    assertThat(id.subject()).isEqualTo("CN=x\\,OU\\=admin\\,CN\\=alice,OU=tenant");
  }

  @Test
  void aCertificateWithoutClientAuthIsNeverAClient() throws Exception {
    X500Name admin = name(rdn(BCStyle.OU, "admin"), rdn(BCStyle.CN, "alice"));
    assertThat(ClientIdentity.of(cert(admin, false), DOMAIN)).isInstanceOf(ClientIdentity.Unrecognised.class);
    assertThat(ClientIdentity.of(cert(admin, true), DOMAIN))
        .isEqualTo(new ClientIdentity.Admin("alice", "CN=alice,OU=admin"));
  }

  // ---- helpers: self-signed certificates with arbitrary subjects

  private static RDN rdn(ASN1ObjectIdentifier type, String value) {
    return new RDN(type, new DERUTF8String(value));
  }

  /** RDNs in DER order (most general first). */
  private static X500Name name(RDN... rdns) {
    return new X500Name(rdns);
  }

  private static X509Certificate cert(X500Name subject, boolean clientAuth) throws Exception {
    KeyPair kp = PemTest.p256();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.TEN,
        Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, kp.getPublic());
    ASN1Encodable eku = new ExtendedKeyUsage(clientAuth ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth);
    b.addExtension(Extension.extendedKeyUsage, false, eku);
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
  }
}
