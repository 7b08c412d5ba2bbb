package nettboot.core.talos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import nettboot.core.error.ConflictException;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.io.SecureFiles;
import nettboot.core.pki.Pem;

/**
 * A Talos cluster's secrets bundle, generated once per cluster and then only ever read: the
 * Kubernetes, etcd and aggregator CAs (ECDSA P-256), the Talos OS CA (Ed25519), the
 * service-account key (ECDSA P-256), the cluster id and secret, the bootstrap and machine (trustd)
 * tokens and the secretbox encryption secret.
 *
 * <p>Stored as {@code <pki>/talos/<cluster>/secrets.yaml} in the layout of Talos's own secrets
 * bundle (so {@code talosctl gen config --with-secrets} reads it too): a 0700 directory, a 0600
 * file written atomically. Two generators racing for the same cluster cannot both win: the file is
 * created with a link that fails when it exists, and the loser reads the winner's bundle.
 * {@link #toString()} never shows key material.
 */
public final class ClusterSecrets {
  public static final String DIRECTORY = "talos";
  public static final String FILE = "secrets.yaml";
  static final int CA_VALIDITY_YEARS = 10;
  static final Duration ADMIN_VALIDITY = Duration.ofDays(365);
  private static final Pattern TOKEN = Pattern.compile("[a-z0-9]{6}\\.[a-z0-9]{16}");
  private static final String TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** A certificate and its key, both PEM; the key may be empty for a public-only view. */
  public record CertAndKey(String crtPem, String keyPem) {
    @Override
    public String toString() {
      return "CertAndKey[crt, key redacted]";
    }
  }

  private final String clusterId;
  private final String clusterSecret;
  private final String bootstrapToken;
  private final String secretboxSecret;
  private final String trustdToken;
  private final CertAndKey etcd;
  private final CertAndKey k8s;
  private final CertAndKey aggregator;
  private final String serviceAccountKeyPem;
  private final CertAndKey os;

  private ClusterSecrets(String clusterId, String clusterSecret, String bootstrapToken,
      String secretboxSecret, String trustdToken, CertAndKey etcd, CertAndKey k8s,
      CertAndKey aggregator, String serviceAccountKeyPem, CertAndKey os) {
    this.clusterId = clusterId;
    this.clusterSecret = clusterSecret;
    this.bootstrapToken = bootstrapToken;
    this.secretboxSecret = secretboxSecret;
    this.trustdToken = trustdToken;
    this.etcd = etcd;
    this.k8s = k8s;
    this.aggregator = aggregator;
    this.serviceAccountKeyPem = serviceAccountKeyPem;
    this.os = os;
  }

  public String clusterId() {
    return clusterId;
  }

  public String clusterSecret() {
    return clusterSecret;
  }

  public String bootstrapToken() {
    return bootstrapToken;
  }

  public String secretboxSecret() {
    return secretboxSecret;
  }

  public String trustdToken() {
    return trustdToken;
  }

  public CertAndKey etcd() {
    return etcd;
  }

  public CertAndKey k8s() {
    return k8s;
  }

  public CertAndKey aggregator() {
    return aggregator;
  }

  public String serviceAccountKeyPem() {
    return serviceAccountKeyPem;
  }

  public CertAndKey os() {
    return os;
  }

  @Override
  public String toString() {
    return "ClusterSecrets[redacted]";
  }

  /** Where the bundle of {@code cluster} lives under the PKI directory. */
  public static Path file(Path pkiDir, String cluster) {
    return pkiDir.resolve(DIRECTORY).resolve(cluster).resolve(FILE);
  }

  /**
   * The cluster's bundle: read when it exists, otherwise generated and stored first. Never
   * regenerated: a bundle that cannot be read is an error, not a reason to make a new one.
   */
  public static ClusterSecrets loadOrCreate(Path pkiDir, String cluster, Clock clock) {
    Path file = file(pkiDir, cluster);
    if (Files.exists(file)) {
      return read(file);
    }
    SecureFiles.privateDirectory(pkiDir.resolve(DIRECTORY));
    SecureFiles.privateDirectory(file.getParent());
    ClusterSecrets fresh = generate(cluster, clock, new SecureRandom());
    try {
      SecureFiles.write(file, fresh.toYaml().getBytes(StandardCharsets.UTF_8), true, false);
      return fresh;
    } catch (ConflictException raced) {
      return read(file); // another generator won; its bundle is the cluster's
    }
  }

  /** Reads a stored bundle; problems name the file and the field, never a value. */
  public static ClusterSecrets read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UnavailableException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  static ClusterSecrets parse(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new InvalidInputException(source, "not a secrets bundle (YAML does not parse)");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(source, "not a secrets bundle");
    }
    String id = text(root, source, "cluster", "id");
    String secret = text(root, source, "cluster", "secret");
    String bootstrap = text(root, source, "secrets", "bootstraptoken");
    String secretbox = text(root, source, "secrets", "secretboxencryptionsecret");
    String trustd = text(root, source, "trustdinfo", "token");
    if (!TOKEN.matcher(bootstrap).matches()) {
      throw new InvalidInputException(source, "secrets.bootstraptoken is not a [a-z0-9]{6}.[a-z0-9]{16} token");
    }
    if (!TOKEN.matcher(trustd).matches()) {
      throw new InvalidInputException(source, "trustdinfo.token is not a [a-z0-9]{6}.[a-z0-9]{16} token");
    }
    CertAndKey etcd = pair(root, source, "etcd");
    CertAndKey k8s = pair(root, source, "k8s");
    CertAndKey agg = pair(root, source, "k8saggregator");
    CertAndKey os = pair(root, source, "os");
    String sa = decode(text(root, source, "certs", "k8sserviceaccount", "key"), source, "certs.k8sserviceaccount.key");
    return new ClusterSecrets(id, secret, bootstrap, secretbox, trustd, etcd, k8s, agg, sa, os);
  }

  private static CertAndKey pair(JsonNode root, String source, String name) {
    String crt = decode(text(root, source, "certs", name, "crt"), source, "certs." + name + ".crt");
    String key = decode(text(root, source, "certs", name, "key"), source, "certs." + name + ".key");
    Pem.parseCertificates(crt, source + " certs." + name + ".crt");
    return new CertAndKey(crt, key);
  }

  private static String text(JsonNode root, String source, String... path) {
    JsonNode n = root;
    for (String p : path) {
      n = n == null ? null : n.get(p);
    }
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new InvalidInputException(source, String.join(".", path) + " is missing");
    }
    return n.asText();
  }

  private static String decode(String b64, String source, String field) {
    try {
      return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(source, field + " is not base64");
    }
  }

  /** The bundle as Talos's secrets.yaml (certificates and keys base64-encoded PEM). */
  public String toYaml() {
    ObjectMapper yaml = yamlMapper();
    ObjectNode root = yaml.createObjectNode();
    root.putObject("cluster").put("id", clusterId).put("secret", clusterSecret);
    root.putObject("secrets").put("bootstraptoken", bootstrapToken)
        .put("secretboxencryptionsecret", secretboxSecret);
    root.putObject("trustdinfo").put("token", trustdToken);
    ObjectNode certs = root.putObject("certs");
    putPair(certs.putObject("etcd"), etcd);
    putPair(certs.putObject("k8s"), k8s);
    putPair(certs.putObject("k8saggregator"), aggregator);
    certs.putObject("k8sserviceaccount").put("key", b64(serviceAccountKeyPem));
    putPair(certs.putObject("os"), os);
    try {
      return yaml.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putPair(ObjectNode n, CertAndKey p) {
    n.put("crt", b64(p.crtPem())).put("key", b64(p.keyPem()));
  }

  static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
  }

  static ObjectMapper yamlMapper() {
    return new ObjectMapper(YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
        .build());
  }

  // ------------------------------------------------------------------ generation

  /** A new bundle; only {@link #loadOrCreate} should call this outside tests. */
  static ClusterSecrets generate(String cluster, Clock clock, SecureRandom random) {
    Objects.requireNonNull(cluster, "cluster");
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant notBefore = now.minus(Duration.ofHours(1));
    Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(CA_VALIDITY_YEARS).toInstant();
    CertAndKey etcd = TalosCertificates.ecdsaCa(TalosCertificates.subject("etcd", null), notBefore, notAfter, random);
    CertAndKey k8s = TalosCertificates.ecdsaCa(TalosCertificates.subject("kubernetes", null), notBefore, notAfter,
        random);
    CertAndKey agg = TalosCertificates.ecdsaCa(TalosCertificates.subject(null, "front-proxy"), notBefore, notAfter,
        random);
    CertAndKey os = TalosCertificates.ed25519Ca(TalosCertificates.subject("talos", null), notBefore, notAfter,
        random);
    String sa = TalosCertificates.ecPrivateKeyPem(TalosCertificates.ecdsaKeyPair(random).getPrivate());
    return new ClusterSecrets(random32(random), random32(random), token(random), random32(random),
        token(random), etcd, k8s, agg, sa, os);
  }

  /**
   * A Talos API client certificate for operators ({@code O=os:admin}), Ed25519, issued by the OS
   * CA, valid for a year: the credential inside the talosconfig.
   */
  public CertAndKey issueAdmin(Clock clock) {
    return TalosCertificates.clientCertificate(os, "os:admin", clock, ADMIN_VALIDITY);
  }

  private static String random32(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** A Kubernetes bootstrap-token-shaped secret: 6 + 16 characters of [a-z0-9]. */
  private static String token(SecureRandom random) {
    StringBuilder sb = new StringBuilder(23);
    for (int i = 0; i < 22; i++) {
      if (i == 6) {
        sb.append('.');
      }
      sb.append(TOKEN_CHARS.charAt(random.nextInt(TOKEN_CHARS.length())));
    }
    return sb.toString();
  }
}
