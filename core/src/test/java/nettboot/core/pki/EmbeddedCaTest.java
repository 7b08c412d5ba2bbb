package nettboot.core.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmbeddedCaTest {
  static final String DOMAIN = "boot.example.net";
  static final List<String> ADDRS = List.of("fd00:0:0:1::1", "192.0.2.10", "metadata.boot.example.net");

  @TempDir Path tmp;

  private EmbeddedCa init() {
    return EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.systemUTC());
  }

  @Test
  void initWritesRootServerAndSettingsWithPrivateKeyModes() throws Exception {
    EmbeddedCa ca = init();
    Path dir = tmp.resolve("pki");
    for (String f : List.of("root-ca.crt", "root-ca.key", "server.crt", "server.key", "pki.json")) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
    assertThat(mode(dir.resolve("root-ca.key"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("server.key"))).isEqualTo("rw-------");
    assertThat(mode(dir.resolve("root-ca.crt"))).isEqualTo("rw-r--r--");
    assertThat(mode(dir)).isEqualTo("rwx------");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("pki.json").toFile());
    assertThat(json.get("bootDomain").asText()).isEqualTo(DOMAIN);
    assertThat(json.get("serverAddresses")).extracting(JsonNode::asText)
        .containsExactly("fd00:0:0:1::1", "192.0.2.10", "metadata.boot.example.net");
    assertThat(Instant.parse(json.get("createdAt").asText())).isEqualTo(ca.createdAt());
    assertThat(ca.rootCertPath()).isEqualTo(dir.resolve("root-ca.crt"));
  }

  @Test
  void serverCrtIsTheFullChainLeafThenRoot() {
    EmbeddedCa ca = init();
    List<X509Certificate> chain = Pem.readCertificates(ca.serverCertPath());
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(ca.rootCertificate());
    assertThat(chain.get(0).getIssuerX500Principal()).isEqualTo(ca.rootCertificate().getSubjectX500Principal());
    assertThat(chain.get(0).getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void rootIsAnEcdsaP256CaThatOnlyIssuesLeaves() throws Exception {
    Instant t = Instant.parse("2026-03-01T12:00:00Z");
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.fixed(t, ZoneOffset.UTC));
    X509Certificate root = ca.rootCertificate();
    assertThat(root.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=nett-boot platform root CA boot.example.net,O=nett-boot");
    assertThat(root.getBasicConstraints()).isZero(); // CA:true, pathLen 0
    assertThat(root.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    boolean[] ku = root.getKeyUsage();
    assertThat(ku[5]).as("keyCertSign").isTrue();
    assertThat(ku[6]).as("cRLSign").isTrue();
    assertThat(ku[0]).as("digitalSignature").isFalse();
    assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertP256(root);
    assertThat(aki(root)).isEqualTo(ski(root));
    root.verify(root.getPublicKey());
    assertThat(root.getNotBefore()).isEqualTo(Date.from(t.minus(EmbeddedCa.BACKDATE)));
    assertThat(root.getNotAfter()).isEqualTo(Date.from(
        t.minus(EmbeddedCa.BACKDATE).atOffset(ZoneOffset.UTC).plusYears(10).toInstant()));
  }

  @Test
  void serverCertificateCarriesEveryAddressAsSanAndServerAuth() throws Exception {
    Instant t = Instant.parse("2026-03-01T12:00:00Z");
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.fixed(t, ZoneOffset.UTC));
    X509Certificate server = Pem.readCertificates(ca.serverCertPath()).get(0);
    assertThat(server.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=fd00:0:0:1::1,OU=server,O=nett-boot");
    List<List<?>> sans = new ArrayList<>(server.getSubjectAlternativeNames());
    assertThat(sans).containsExactly(
        List.of(7, "fd00:0:0:1:0:0:0:1"), List.of(7, "192.0.2.10"), List.of(2, "metadata.boot.example.net"));
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(server.getKeyUsage()).containsExactly(true, false, false, false, false, false, false, false, false);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertP256(server);
    assertThat(aki(server)).isEqualTo(ski(ca.rootCertificate()));
    assertThat(ski(server)).isNotNull();
    assertThat(Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(825));
    assertThat(server.getSerialNumber().signum()).isPositive();
    assertThat(server.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(PemTest.signsFor(Pem.readPrivateKey(ca.serverKeyPath()), server.getPublicKey())).isTrue();
  }

  @Test
  void serverTenantAndAdminChainsValidateWithPkix() throws Exception {
    EmbeddedCa ca = init();
    IssuedCredential tenant = ca.issueTenant("acme");
    IssuedCredential admin = ca.issueAdmin("ops.alice");
    X509Certificate server = Pem.readCertificates(ca.serverCertPath()).get(0);
    for (X509Certificate leaf : List.of(server, tenant.certificate(), admin.certificate())) {
      validate(leaf, ca.rootCertificate());
    }
  }

  @Test
  void aLeafFromAnotherCaDoesNotValidate() {
    EmbeddedCa ca = init();
    EmbeddedCa other = EmbeddedCa.init(tmp.resolve("other"), DOMAIN, ADDRS, Clock.systemUTC());
    X509Certificate foreign = other.issueTenant("acme").certificate();
    assertThatThrownBy(() -> validate(foreign, ca.rootCertificate()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void opensslVerifiesServerAndClientPurposesStrictly() throws Exception {
    OpenSsl.assumeAvailable();
    EmbeddedCa ca = init();
    Path tenant = ca.issueTenant("acme").certificatePath();
    Path admin = ca.issueAdmin("alice").certificatePath();
    Path serverLeaf = tmp.resolve("server-leaf.pem");
    Files.writeString(serverLeaf, Pem.certificatesToPem(List.of(Pem.readCertificates(ca.serverCertPath()).get(0))));
    String caFile = ca.rootCertPath().toString();

    assertVerifies(caFile, "sslserver", serverLeaf);
    assertVerifies(caFile, "sslclient", tenant);
    assertVerifies(caFile, "sslclient", admin);
    // the server cert as a whole file (leaf first) verifies as well
    assertVerifies(caFile, "sslserver", ca.serverCertPath());

    // and the purposes are not interchangeable
    assertThat(OpenSsl.run(tmp, "verify", "-x509_strict", "-CAfile", caFile, "-purpose", "sslserver",
        tenant.toString()).exitCode()).isNotZero();
    assertThat(OpenSsl.run(tmp, "verify", "-x509_strict", "-CAfile", caFile, "-purpose", "sslclient",
        serverLeaf.toString()).exitCode()).isNotZero();
  }

  @Test
  void opensslShowsPrime256v1AndTheSansIncludingIpv6() {
    OpenSsl.assumeAvailable();
    EmbeddedCa ca = init();
    OpenSsl.Result r = OpenSsl.run(tmp, "x509", "-in", ca.serverCertPath().toString(), "-noout", "-text");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("ASN1 OID: prime256v1")
        .contains("ecdsa-with-SHA256")
        .contains("IP Address:FD00:0:0:1:0:0:0:1")
        .contains("IP Address:192.0.2.10")
        .contains("DNS:metadata.boot.example.net")
        .contains("TLS Web Server Authentication")
        .contains("Digital Signature")
        .contains("CA:FALSE");
    OpenSsl.Result root = OpenSsl.run(tmp, "x509", "-in", ca.rootCertPath().toString(), "-noout", "-text");
    assertThat(root.output()).contains("ASN1 OID: prime256v1").contains("CA:TRUE, pathlen:0")
        .contains("Certificate Sign, CRL Sign");
  }

  @Test
  void opensslReadsTheIssuedKeys() {
    OpenSsl.assumeAvailable();
    EmbeddedCa ca = init();
    IssuedCredential t = ca.issueTenant("acme");
    for (Path key : List.of(ca.rootKeyPath(), ca.serverKeyPath(), t.keyPath())) {
      OpenSsl.Result r = OpenSsl.run(tmp, "pkey", "-in", key.toString(), "-check", "-noout");
      assertThat(r.exitCode()).as(key + ": " + r.output()).isZero();
    }
  }

  @Test
  void initTwiceIsRefusedAndKeepsTheRoot() throws Exception {
    EmbeddedCa ca = init();
    String rootKey = Files.readString(ca.rootKeyPath());
    assertThatThrownBy(this::init)
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("root-ca.key");
    assertThat(Files.readString(ca.rootKeyPath())).isEqualTo(rootKey);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Boot.Example", "boot_example", "-boot.example", "192.0.2.1", "boot..example"})
  void invalidBootDomainIsRefusedNamingTheField(String domain) {
    assertThatThrownBy(() -> EmbeddedCa.init(tmp.resolve("pki"), domain, ADDRS, Clock.systemUTC()))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("bootDomain"));
    assertThat(tmp.resolve("pki")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2001:db8:meta::1", "fd00:boot:lab:a::1"})
  void invalidIpv6TextIsRefusedNamingFieldAndValue(String bad) {
    assertThatThrownBy(() -> EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("fd00::1", bad), Clock.systemUTC()))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("serverAddresses[1]"))
        .hasMessageContaining(bad)
        .hasMessageContaining("not a valid IPv6 address");
    assertThat(tmp.resolve("pki")).doesNotExist();
  }

  @Test
  void atLeastOneAddressAndNoDuplicates() {
    assertThatThrownBy(() -> EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of(), Clock.systemUTC()))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("serverAddresses"));
    assertThatThrownBy(() -> EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, List.of("fd00::1", "FD00:0::1"),
            Clock.systemUTC()))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("serverAddresses[1]"))
        .hasMessageContaining("duplicate");
  }

  @Test
  void tenantCertificateIsAClientCertUnderTheBootDomain() throws Exception {
    Instant t = Instant.parse("2026-03-01T12:00:00Z");
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.fixed(t, ZoneOffset.UTC));
    IssuedCredential cred = ca.issueTenant("acme");
    assertThat(cred.certificatePath()).isEqualTo(tmp.resolve("pki/tenants/acme.crt")).isEqualTo(ca.tenantCertPath("acme"));
    assertThat(cred.keyPath()).isEqualTo(tmp.resolve("pki/tenants/acme.key")).isEqualTo(ca.tenantKeyPath("acme"));
    assertThat(mode(cred.keyPath())).isEqualTo("rw-------");
    assertThat(mode(tmp.resolve("pki/tenants"))).isEqualTo("rwx------");
    X509Certificate c = cred.certificate();
    assertThat(Pem.readCertificates(cred.certificatePath())).containsExactly(c);
    assertThat(c.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=acme.boot.example.net,OU=tenant,O=nett-boot");
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(c.getKeyUsage()[0]).isTrue();
    assertP256(c);
    assertThat(aki(c)).isEqualTo(ski(ca.rootCertificate()));
    assertThat(c.getNotBefore()).isEqualTo(Date.from(t.minus(EmbeddedCa.BACKDATE)));
    // ten years, but never beyond the root
    assertThat(c.getNotAfter()).isEqualTo(ca.rootCertificate().getNotAfter());
    assertThat(PemTest.signsFor(Pem.readPrivateKey(cred.keyPath()), c.getPublicKey())).isTrue();
    assertThat(ClientIdentity.of(c, DOMAIN)).isEqualTo(
        new ClientIdentity.Tenant("acme", "CN=acme.boot.example.net,OU=tenant,O=nett-boot"));
  }

  @Test
  void tenantValidityIsTenYearsWhenTheRootOutlivesIt() {
    Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
    EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.fixed(t0, ZoneOffset.UTC));
    // issued a day before the root's own start, the ten years end before the root expires: no clamping
    EmbeddedCa earlier = EmbeddedCa.load(tmp.resolve("pki"), Clock.fixed(t0.minus(Duration.ofDays(1)), ZoneOffset.UTC));
    X509Certificate c = earlier.issueTenant("acme").certificate();
    Instant nb = t0.minus(Duration.ofDays(1)).minus(EmbeddedCa.BACKDATE);
    assertThat(c.getNotAfter().toInstant()).isEqualTo(nb.atOffset(ZoneOffset.UTC).plusYears(10).toInstant());
  }

  @Test
  void existingTenantIsRefusedUnlessForced() throws Exception {
    EmbeddedCa ca = init();
    IssuedCredential first = ca.issueTenant("acme");
    String key = Files.readString(first.keyPath());
    assertThatThrownBy(() -> ca.issueTenant("acme"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("acme");
    assertThat(Files.readString(first.keyPath())).isEqualTo(key);
    IssuedCredential second = ca.issueTenant("acme", true);
    assertThat(second.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
    assertThat(Files.readString(second.keyPath())).isNotEqualTo(key);
    assertThat(Pem.readCertificates(second.certificatePath())).containsExactly(second.certificate());
    assertThat(PemTest.signsFor(Pem.readPrivateKey(second.keyPath()), second.certificate().getPublicKey())).isTrue();
    assertThat(mode(second.keyPath())).isEqualTo("rw-------");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Acme", "acme.corp", "-acme", "acme_1", "../etc", ""})
  void invalidTenantNamesAreRefusedNamingTheField(String bad) {
    EmbeddedCa ca = init();
    assertThatThrownBy(() -> ca.issueTenant(bad))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("tenant"));
    assertThat(tmp.resolve("pki/tenants")).doesNotExist();
  }

  @Test
  void adminCertificateIsAOneYearClientCert() throws Exception {
    Instant t = Instant.parse("2026-03-01T12:00:00Z");
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), DOMAIN, ADDRS, Clock.fixed(t, ZoneOffset.UTC));
    IssuedCredential cred = ca.issueAdmin("ops.alice");
    assertThat(cred.certificatePath()).isEqualTo(ca.adminCertPath("ops.alice"));
    assertThat(cred.keyPath()).isEqualTo(ca.adminKeyPath("ops.alice"));
    assertThat(mode(cred.keyPath())).isEqualTo("rw-------");
    assertThat(mode(tmp.resolve("pki/admins"))).isEqualTo("rwx------");
    X509Certificate c = cred.certificate();
    assertThat(c.getSubjectX500Principal().getName(X500Principal.RFC2253))
        .isEqualTo("CN=ops.alice,OU=admin,O=nett-boot");
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    Instant nb = t.minus(EmbeddedCa.BACKDATE);
    assertThat(c.getNotAfter().toInstant()).isEqualTo(nb.atOffset(ZoneOffset.UTC).plusYears(1).toInstant());
    assertThatThrownBy(() -> ca.issueAdmin("ops.alice")).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> ca.issueAdmin("../x"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("admin"));
  }

  @Test
  void loadRestoresTheCaAndIssuesUnderTheSameRoot() throws Exception {
    EmbeddedCa ca = init();
    EmbeddedCa loaded = EmbeddedCa.load(tmp.resolve("pki"));
    assertThat(loaded.rootCertificate()).isEqualTo(ca.rootCertificate());
    assertThat(loaded.bootDomain()).isEqualTo(DOMAIN);
    assertThat(loaded.serverAddresses()).isEqualTo(ca.serverAddresses());
    validate(loaded.issueTenant("acme").certificate(), ca.rootCertificate());
    assertThat(loaded.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void reissuingTheServerRecordsTheNewAddresses() {
    EmbeddedCa ca = init();
    X509Certificate before = Pem.readCertificates(ca.serverCertPath()).get(0);
    IssuedCredential now = ca.issueServer(List.of("2001:db8::53"));
    assertThat(now.certificate()).isNotEqualTo(before);
    assertThat(Pem.readCertificates(ca.serverCertPath())).containsExactly(now.certificate(), ca.rootCertificate());
    assertThat(EmbeddedCa.load(tmp.resolve("pki")).serverAddresses()).containsExactly("2001:db8::53");
  }

  @Test
  void loadNamesTheMissingFile() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThatThrownBy(() -> EmbeddedCa.load(empty))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(empty.resolve("pki.json").toString()))
        .hasMessageContaining("not an initialised PKI directory");
    init();
    Files.delete(tmp.resolve("pki/root-ca.key"));
    assertThatThrownBy(() -> EmbeddedCa.load(tmp.resolve("pki")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(tmp.resolve("pki/root-ca.key").toString()));
  }

  @Test
  void loadRefusesCorruptFiles() throws Exception {
    init();
    Path dir = tmp.resolve("pki");
    Path json = dir.resolve("pki.json");
    String good = Files.readString(json);
    Files.writeString(json, "{not json");
    assertThatThrownBy(() -> EmbeddedCa.load(dir))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(json.toString()));
    Files.writeString(json, good.replace(DOMAIN, "Bad_Domain"));
    assertThatThrownBy(() -> EmbeddedCa.load(dir))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(json.toString()))
        .hasMessageContaining("bootDomain");
    Files.writeString(json, good);

    // a key that does not belong to the root
    Files.copy(dir.resolve("server.key"), dir.resolve("root-ca.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> EmbeddedCa.load(dir))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(dir.resolve("root-ca.key").toString()))
        .hasMessageContaining("does not belong");

    Files.writeString(dir.resolve("root-ca.crt"), "garbage\n");
    assertThatThrownBy(() -> EmbeddedCa.load(dir))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo(dir.resolve("root-ca.crt").toString()))
        .hasMessageContaining("no certificate found");
  }

  @Test
  void serialsAreRandomPositiveAndDistinct() {
    EmbeddedCa ca = init();
    Set<BigInteger> serials = new HashSet<>();
    serials.add(ca.rootCertificate().getSerialNumber());
    serials.add(Pem.readCertificates(ca.serverCertPath()).get(0).getSerialNumber());
    for (int i = 0; i < 10; i++) {
      serials.add(ca.issueTenant("t" + i).certificate().getSerialNumber());
    }
    assertThat(serials).hasSize(12).allSatisfy(s -> {
      assertThat(s.signum()).isPositive();
      assertThat(s.bitLength()).isLessThanOrEqualTo(128);
    });
  }

  @Test
  void aLongTenantCommonNameIsRefused() {
    EmbeddedCa ca = init();
    String label = "a".repeat(63);
    assertThatThrownBy(() -> ca.issueTenant(label))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("tenant"))
        .hasMessageContaining("longer than 64");
  }

  // ---- helpers

  static void validate(X509Certificate leaf, X509Certificate root) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }

  private void assertVerifies(String caFile, String purpose, Path cert) {
    OpenSsl.Result r = OpenSsl.run(tmp, "verify", "-x509_strict", "-CAfile", caFile, "-purpose", purpose,
        cert.toString());
    assertThat(r.exitCode()).as(purpose + " " + cert + ": " + r.output()).isZero();
    assertThat(r.output()).contains(": OK");
  }

  static void assertP256(X509Certificate c) {
    assertThat(c.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(((ECPublicKey) c.getPublicKey()).getParams().toString()).contains("secp256r1");
  }

  static byte[] ski(X509Certificate c) {
    byte[] v = c.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    return v == null ? null : SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(v).getOctets()).getKeyIdentifier();
  }

  static byte[] aki(X509Certificate c) {
    byte[] v = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    return v == null ? null : AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(v).getOctets()).getKeyIdentifierOctets();
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
