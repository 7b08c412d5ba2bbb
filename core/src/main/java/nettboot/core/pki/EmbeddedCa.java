package nettboot.core.pki;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.machine.Names;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The embedded (lab) certificate authority: a platform root CA kept in a directory, issuing the
 * metadata server's certificate and tenant/admin client certificates. ECDSA P-256 keys and
 * ecdsa-with-SHA256 signatures throughout (what iPXE 2.0 and the Talos command line can take).
 *
 * <p>Directory layout:
 *
 * <pre>
 *   root-ca.crt  root-ca.key  pki.json
 *   server.crt   (full chain: leaf, then the root; iPXE pins roots and needs the root sent)
 *   server.key
 *   tenants/NAME.crt  tenants/NAME.key     (0700 directory)
 *   admins/NAME.crt   admins/NAME.key      (0700 directory)
 * </pre>
 *
 * Every file is written atomically; private keys are 0600 from creation. Instances are safe for
 * use from several threads; two processes issuing for the same name concurrently get a conflict
 * for one of them (unless forced).
 */
public final class EmbeddedCa {
  public static final String ROOT_CERT = "root-ca.crt";
  public static final String ROOT_KEY = "root-ca.key";
  public static final String SERVER_CERT = "server.crt";
  public static final String SERVER_KEY = "server.key";
  public static final String SETTINGS = "pki.json";
  public static final String TENANTS = "tenants";
  public static final String ADMINS = "admins";
  public static final String ORGANISATION = "nett-boot";

  /** Server certificates: the CA/Browser-Forum-era ceiling clients such as macOS still enforce. */
  public static final Duration SERVER_VALIDITY = Duration.ofDays(825);
  public static final int ROOT_VALIDITY_YEARS = 10;
  /** The tenant boot medium carries its certificate for a long time. */
  public static final int TENANT_VALIDITY_YEARS = 10;
  public static final int ADMIN_VALIDITY_YEARS = 1;
  /** notBefore is set this far in the past to tolerate clocks (firmware RTCs) running behind. */
  public static final Duration BACKDATE = Duration.ofHours(1);

  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  static final String CURVE = "secp256r1";
  /** X.520 upper bound for a common name. */
  static final int CN_MAX = 64;

  private final Path dir;
  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final Clock clock;
  private final SecureRandom random;
  private PkiSettings settings; // guarded by this

  private EmbeddedCa(Path dir, PkiSettings settings, X509Certificate root, PrivateKey rootKey,
      Clock clock, SecureRandom random) {
    this.dir = dir;
    this.settings = settings;
    this.root = root;
    this.rootKey = rootKey;
    this.clock = clock;
    this.random = random;
  }

  /**
   * Creates a new platform root CA in {@code dir} and issues the server certificate.
   *
   * @param bootDomain lower-case DNS name; tenant certificates are {@code CN=<tenant>.<bootDomain>}
   * @param serverAddresses at least one IPv4/IPv6 literal or DNS name (the first is the server CN)
   * @throws ConflictException when {@code dir} already holds {@code root-ca.key}
   * @throws InvalidInputException naming {@code bootDomain} or {@code serverAddresses[i]}
   */
  public static EmbeddedCa init(Path dir, String bootDomain, List<String> serverAddresses, Clock clock) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
    String domain = Addresses.requireDomain("bootDomain", bootDomain);
    List<String> addresses = validateAddresses(serverAddresses);
    Path rootKeyPath = dir.resolve(ROOT_KEY);
    if (Files.exists(rootKeyPath)) {
      throw new ConflictException(rootKeyPath + " already exists: the directory already holds a "
          + "root CA; refusing to replace it");
    }
    SecureFiles.privateDirectory(dir);

    SecureRandom random = new SecureRandom();
    KeyPair kp = generateKeyPair(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(ROOT_VALIDITY_YEARS).toInstant();
    X500Name subject = rootSubject(domain);
    JcaX509ExtensionUtils ext = extensionUtils();
    SubjectKeyIdentifier ski = ext.createSubjectKeyIdentifier(kp.getPublic());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(random),
        Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
    try {
      // pathLen 0: the root signs leaves directly and no intermediate may be made under it
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ski);
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode root CA extensions", e);
    }
    X509Certificate rootCert = sign(b, kp.getPrivate());

    // the key is written first and without replace: of two concurrent inits only one wins
    SecureFiles.write(rootKeyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, false);
    SecureFiles.write(dir.resolve(ROOT_CERT), ascii(Pem.certificatesToPem(List.of(rootCert))), false, true);
    PkiSettings settings = new PkiSettings(PkiSettings.CURRENT_VERSION, domain, addresses, now.toString());
    writeSettings(dir, settings);
    EmbeddedCa ca = new EmbeddedCa(dir, settings, rootCert, kp.getPrivate(), clock, random);
    ca.issueServer(addresses);
    return ca;
  }

  /** Loads an initialised directory, issuing with the system clock. */
  public static EmbeddedCa load(Path dir) {
    return load(dir, Clock.systemUTC());
  }

  /**
   * Loads the root certificate, its key and the settings from an initialised directory.
   *
   * @throws InvalidInputException naming the missing or corrupt file
   */
  public static EmbeddedCa load(Path dir, Clock clock) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
    Path settingsPath = dir.resolve(SETTINGS);
    Path certPath = dir.resolve(ROOT_CERT);
    Path keyPath = dir.resolve(ROOT_KEY);
    for (Path p : List.of(settingsPath, certPath, keyPath)) {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException(p.toString(), "missing; " + dir + " is not an initialised "
            + "PKI directory (expected " + SETTINGS + ", " + ROOT_CERT + ", " + ROOT_KEY + ")");
      }
    }
    PkiSettings settings = readSettings(settingsPath);
    X509Certificate rootCert = Pem.readCertificates(certPath).get(0);
    if (rootCert.getBasicConstraints() < 0) {
      throw new InvalidInputException(certPath.toString(), "not a CA certificate (basicConstraints CA:false)");
    }
    PrivateKey key = Pem.readPrivateKey(keyPath);
    if (!keyMatches(key, rootCert.getPublicKey())) {
      throw new InvalidInputException(keyPath.toString(), "does not belong to the certificate in " + certPath);
    }
    return new EmbeddedCa(dir, settings, rootCert, key, clock, new SecureRandom());
  }

  /** Issues a tenant client certificate; refuses (ConflictException) when the tenant already has one. */
  public IssuedCredential issueTenant(String tenant) {
    return issueTenant(tenant, false);
  }

  /**
   * Issues {@code tenants/NAME.crt} + {@code .key}: {@code CN=<tenant>.<bootDomain>, OU=tenant,
   * O=nett-boot}, clientAuth, 10 years (never beyond the root's expiry).
   *
   * @param force replace an existing certificate and key for this tenant
   */
  public synchronized IssuedCredential issueTenant(String tenant, boolean force) {
    Names.requireTenant("tenant", tenant);
    String cn = tenant + "." + settings.bootDomain();
    if (cn.length() > CN_MAX) {
      throw new InvalidInputException("tenant", "common name " + cn + " is longer than " + CN_MAX
          + " characters; choose a shorter tenant name");
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANISATION)
        .addRDN(BCStyle.OU, ClientIdentity.TENANT_OU)
        .addRDN(BCStyle.CN, cn)
        .build();
    return issueClient(TENANTS, tenant, subject, TENANT_VALIDITY_YEARS, force, "tenant");
  }

  /** Issues an admin client certificate; refuses (ConflictException) when the name already has one. */
  public IssuedCredential issueAdmin(String name) {
    return issueAdmin(name, false);
  }

  /**
   * Issues {@code admins/NAME.crt} + {@code .key}: {@code CN=<name>, OU=admin, O=nett-boot},
   * clientAuth, 1 year.
   *
   * @param force replace an existing certificate and key for this admin
   */
  public synchronized IssuedCredential issueAdmin(String name, boolean force) {
    Names.requireAdmin("admin", name);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANISATION)
        .addRDN(BCStyle.OU, ClientIdentity.ADMIN_OU)
        .addRDN(BCStyle.CN, name)
        .build();
    return issueClient(ADMINS, name, subject, ADMIN_VALIDITY_YEARS, force, "admin");
  }

  /**
   * (Re-)issues {@code server.crt} (leaf then root) and {@code server.key}: SANs = every address
   * (IP SAN for literals, DNS SAN otherwise), CN = the first address, serverAuth, 825 days. The
   * addresses are recorded in {@code pki.json}.
   */
  public synchronized IssuedCredential issueServer(List<String> serverAddresses) {
    List<String> addresses = validateAddresses(serverAddresses);
    KeyPair kp = generateKeyPair(random);
    X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, ORGANISATION)
        .addRDN(BCStyle.OU, "server");
    if (addresses.get(0).length() <= CN_MAX) {
      nb.addRDN(BCStyle.CN, addresses.get(0));
    }
    List<GeneralName> sans = new ArrayList<>();
    for (String a : addresses) {
      Optional<byte[]> ip = Addresses.ipLiteral(a);
      sans.add(ip.isPresent()
          ? new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.get()))
          : new GeneralName(GeneralName.dNSName, a));
    }
    X509v3CertificateBuilder b = leafBuilder(nb.build(), kp.getPublic(), SERVER_VALIDITY, 0);
    try {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode server certificate extensions", e);
    }
    X509Certificate cert = sign(b, rootKey);
    Path keyPath = serverKeyPath();
    Path certPath = serverCertPath();
    SecureFiles.write(keyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, true);
    SecureFiles.write(certPath, ascii(Pem.certificatesToPem(List.of(cert, root))), false, true);
    if (!addresses.equals(settings.serverAddresses())) {
      PkiSettings updated = new PkiSettings(settings.version(), settings.bootDomain(), addresses,
          settings.createdAt());
      writeSettings(dir, updated);
      settings = updated;
    }
    return new IssuedCredential(cert, certPath, keyPath);
  }

  public Path dir() {
    return dir;
  }

  public X509Certificate rootCertificate() {
    return root;
  }

  /** SHA-256 of the root certificate (hex): the fingerprint a tenant medium pins. */
  public String rootFingerprint() {
    return Pem.sha256Fingerprint(root);
  }

  public synchronized String bootDomain() {
    return settings.bootDomain();
  }

  public synchronized List<String> serverAddresses() {
    return settings.serverAddresses();
  }

  /** When the directory was initialised. */
  public synchronized Instant createdAt() {
    return Instant.parse(settings.createdAt());
  }

  public Path rootCertPath() {
    return dir.resolve(ROOT_CERT);
  }

  public Path rootKeyPath() {
    return dir.resolve(ROOT_KEY);
  }

  public Path settingsPath() {
    return dir.resolve(SETTINGS);
  }

  public Path serverCertPath() {
    return dir.resolve(SERVER_CERT);
  }

  public Path serverKeyPath() {
    return dir.resolve(SERVER_KEY);
  }

  public Path tenantCertPath(String tenant) {
    return dir.resolve(TENANTS).resolve(Names.requireTenant("tenant", tenant) + ".crt");
  }

  public Path tenantKeyPath(String tenant) {
    return dir.resolve(TENANTS).resolve(Names.requireTenant("tenant", tenant) + ".key");
  }

  public Path adminCertPath(String name) {
    return dir.resolve(ADMINS).resolve(Names.requireAdmin("admin", name) + ".crt");
  }

  public Path adminKeyPath(String name) {
    return dir.resolve(ADMINS).resolve(Names.requireAdmin("admin", name) + ".key");
  }

  @Override
  public synchronized String toString() {
    return "EmbeddedCa[dir=" + dir + ", bootDomain=" + settings.bootDomain() + "]";
  }

  private IssuedCredential issueClient(String subdir, String name, X500Name subject, int years,
      boolean force, String field) {
    Path d = dir.resolve(subdir);
    Path certPath = d.resolve(name + ".crt");
    Path keyPath = d.resolve(name + ".key");
    if (!force && (Files.exists(certPath) || Files.exists(keyPath))) {
      throw new ConflictException(field + " " + name + " already has a certificate (" + certPath
          + "); re-issue with force to replace it");
    }
    SecureFiles.privateDirectory(d);
    KeyPair kp = generateKeyPair(random);
    X509v3CertificateBuilder b = leafBuilder(subject, kp.getPublic(), null, years);
    try {
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode client certificate extensions", e);
    }
    X509Certificate cert = sign(b, rootKey);
    // without force the key is created with an atomic no-replace step, so a concurrent issuer loses
    SecureFiles.write(keyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, force);
    SecureFiles.write(certPath, ascii(Pem.certificatesToPem(List.of(cert))), false, true);
    return new IssuedCredential(cert, certPath, keyPath);
  }

  /** A leaf builder with the common extensions; validity is {@code duration} or {@code years}. */
  private X509v3CertificateBuilder leafBuilder(X500Name subject, PublicKey key, Duration duration, int years) {
    Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
    Instant notAfter = duration != null
        ? notBefore.plus(duration)
        : notBefore.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
    Instant rootNotAfter = root.getNotAfter().toInstant();
    if (notAfter.isAfter(rootNotAfter)) {
      notAfter = rootNotAfter; // a leaf never outlives its issuer
    }
    X500Name issuer = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(random),
        Date.from(notBefore), Date.from(notAfter), subject, key);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(key));
      b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(rootKeyId()));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode certificate extensions", e);
    }
    return b;
  }

  /** The root's own subject key identifier, so AKI always matches it byte for byte. */
  private byte[] rootKeyId() {
    byte[] ext = root.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (ext != null) {
      return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
    }
    return extensionUtils().createSubjectKeyIdentifier(root.getPublicKey()).getKeyIdentifier();
  }

  private static List<String> validateAddresses(List<String> serverAddresses) {
    if (serverAddresses == null || serverAddresses.isEmpty()) {
      throw new InvalidInputException("serverAddresses", "missing; at least one server address is required");
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < serverAddresses.size(); i++) {
      String field = "serverAddresses[" + i + "]";
      String canonical = Addresses.requireServerAddress(field, serverAddresses.get(i));
      if (!seen.add(canonical)) {
        throw new InvalidInputException(field, "duplicate address " + canonical);
      }
      out.add(canonical);
    }
    return List.copyOf(out);
  }

  private static X500Name rootSubject(String bootDomain) {
    String cn = "nett-boot platform root CA " + bootDomain;
    X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANISATION);
    if (cn.length() <= CN_MAX) {
      nb.addRDN(BCStyle.CN, cn);
    } else {
      // keep within the X.520 bound; the boot domain still names the root in its own attribute
      if (bootDomain.length() <= CN_MAX) {
        nb.addRDN(BCStyle.OU, bootDomain);
      }
      nb.addRDN(BCStyle.CN, "nett-boot platform root CA");
    }
    return nb.build();
  }

  private static KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(CURVE), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 key generation unavailable", e);
    }
  }

  /** A random positive serial of 128 bits. */
  private static BigInteger serial(SecureRandom random) {
    byte[] b = new byte[16];
    BigInteger s;
    do {
      random.nextBytes(b);
      s = new BigInteger(1, b);
    } while (s.signum() == 0);
    return s;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign certificate", e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 unavailable for key identifiers", e);
    }
  }

  private static boolean keyMatches(PrivateKey key, PublicKey pub) {
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(SIGNATURE_ALGORITHM);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private static void writeSettings(Path dir, PkiSettings settings) {
    byte[] json;
    try {
      json = mapper().writeValueAsBytes(settings);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot encode " + SETTINGS, e);
    }
    SecureFiles.write(dir.resolve(SETTINGS), json, false, true);
  }

  private static PkiSettings readSettings(Path file) {
    PkiSettings s;
    try {
      s = mapper().readValue(Files.readAllBytes(file), PkiSettings.class);
    } catch (JacksonException e) {
      throw new InvalidInputException(file.toString(), "not valid " + SETTINGS + " (expected JSON "
          + "with version, bootDomain, serverAddresses, createdAt): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage());
    }
    if (s == null || s.version() != PkiSettings.CURRENT_VERSION) {
      throw new InvalidInputException(file.toString(), "unsupported version "
          + (s == null ? "null" : s.version()) + "; expected " + PkiSettings.CURRENT_VERSION);
    }
    try {
      Addresses.requireDomain("bootDomain", s.bootDomain());
      validateAddresses(s.serverAddresses());
      Instant.parse(Objects.requireNonNullElse(s.createdAt(), ""));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(file.toString(), e.getMessage());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(file.toString(), "createdAt: not an ISO-8601 instant");
    }
    return s;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
