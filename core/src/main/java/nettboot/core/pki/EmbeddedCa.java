package nettboot.core.pki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.io.SecureFiles;
import nettboot.core.machine.Names;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;

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
 * Every file is written atomically ({@link SecureFiles}); private keys are 0600 from creation. The
 * X.509 mechanics are {@link X509Issuer}'s; this class is the policy (subjects, validity) and the
 * directory. Instances are safe for
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

  /** X.520 upper bound for a common name. */
  static final int CN_MAX = 64;

  private final Path dir;
  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final Clock clock;
  private final SecureRandom random;
  private final X509Issuer issuer;
  private PkiSettings settings; // guarded by this

  private EmbeddedCa(Path dir, PkiSettings settings, X509Certificate root, PrivateKey rootKey,
      Clock clock, SecureRandom random) {
    this.dir = dir;
    this.settings = settings;
    this.root = root;
    this.rootKey = rootKey;
    this.clock = clock;
    this.random = random;
    this.issuer = new X509Issuer(root, rootKey, random);
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
    KeyPair kp = X509Issuer.generateKeyPair(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(BACKDATE);
    Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(ROOT_VALIDITY_YEARS).toInstant();
    X509Certificate rootCert = X509Issuer.selfSignedRoot(rootSubject(domain), kp, notBefore, notAfter, random);

    // the key is written first and without replace: of two concurrent inits only one wins
    SecureFiles.write(rootKeyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, false);
    SecureFiles.write(dir.resolve(ROOT_CERT), ascii(Pem.certificatesToPem(List.of(rootCert))), false, true);
    PkiSettings settings = new PkiSettings(PkiSettings.CURRENT_VERSION, domain, addresses, now.toString());
    PkiSettings.write(dir.resolve(SETTINGS), settings);
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
    PkiSettings settings = PkiSettings.read(settingsPath);
    X509Certificate rootCert = Pem.readCertificates(certPath).get(0);
    if (rootCert.getBasicConstraints() < 0) {
      throw new InvalidInputException(certPath.toString(), "not a CA certificate (basicConstraints CA:false)");
    }
    PrivateKey key = Pem.readPrivateKey(keyPath);
    if (!X509Issuer.keyMatches(key, rootCert.getPublicKey())) {
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
    KeyPair kp = X509Issuer.generateKeyPair(random);
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
    Instant notBefore = notBefore();
    X509Certificate cert = issuer.leaf(nb.build(), kp.getPublic(), notBefore, notBefore.plus(SERVER_VALIDITY),
        KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans.toArray(GeneralName[]::new)));
    Path keyPath = serverKeyPath();
    Path certPath = serverCertPath();
    SecureFiles.write(keyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, true);
    SecureFiles.write(certPath, ascii(Pem.certificatesToPem(List.of(cert, root))), false, true);
    if (!addresses.equals(settings.serverAddresses())) {
      PkiSettings updated = new PkiSettings(settings.version(), settings.bootDomain(), addresses,
          settings.createdAt());
      PkiSettings.write(dir.resolve(SETTINGS), updated);
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
    KeyPair kp = X509Issuer.generateKeyPair(random);
    Instant notBefore = notBefore();
    X509Certificate cert = issuer.leaf(subject, kp.getPublic(), notBefore,
        notBefore.atOffset(ZoneOffset.UTC).plusYears(years).toInstant(), KeyPurposeId.id_kp_clientAuth, null);
    // without force the key is created with an atomic no-replace step, so a concurrent issuer loses
    SecureFiles.write(keyPath, ascii(Pem.privateKeyToPem(kp.getPrivate())), true, force);
    SecureFiles.write(certPath, ascii(Pem.certificatesToPem(List.of(cert))), false, true);
    return new IssuedCredential(cert, certPath, keyPath);
  }

  /** notBefore of a certificate issued now: backdated against clocks that run behind. */
  private Instant notBefore() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
  }

  /** Canonical, distinct server addresses (at least one). */
  static List<String> validateAddresses(List<String> serverAddresses) {
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
