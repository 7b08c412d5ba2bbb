package nettboot.core.talos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.Role;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.store.StoreFactory;
import nettboot.core.store.Stores;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.MachineConfigGenerator.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Configs for the example's 3 control-plane + 3 worker cluster, checked against the schema and for meaning. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MachineConfigGeneratorTest {
  static final Pattern IPV4 = Pattern.compile("(?<![0-9A-Za-z.:])(\\d{1,3}\\.){3}\\d{1,3}(?![0-9.])");

  Path dir;

  final TalosSchema schema = TalosSchema.load();
  final MachineConfigGenerator generator = new MachineConfigGenerator(schema);
  Vertx vertx;
  Inventory inv;
  Map<String, Ipv6Prefix> prefixes;
  ClusterSecrets secrets;
  String caPem;
  List<NodeConfig> configs;

  @BeforeAll
  void generate(@TempDir Path tmp) throws Exception {
    dir = tmp;
    vertx = Vertx.vertx();
    inv = NodesFile.read(NodesFileTest.EXAMPLE);
    Path data = Files.createDirectories(dir.resolve("data"));
    Stores store = StoreFactory.sqlite(vertx, data);
    store.migrate().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    prefixes = PrefixAssignment.resolve(inv, Optional.of(store.prefixes()), Instant.now())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    store.close();
    Path pki = dir.resolve("pki");
    EmbeddedCa.init(pki, "boot.dc1.example.net", List.of("2001:db8:100::443"), Clock.systemUTC());
    caPem = Files.readString(pki.resolve(EmbeddedCa.ROOT_CERT));
    secrets = ClusterSecrets.loadOrCreate(pki, inv.cluster().name(), Clock.systemUTC());
    configs = new ArrayList<>();
    for (Node n : inv.nodes()) {
      configs.add(generator.generate(inv, n, prefixes.get(n.name()), secrets, caPem));
    }
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void everyDocumentOfEveryNodeValidatesAgainstTheOfficialSchema() {
    assertThat(configs).hasSize(6);
    System.out.println("generated Talos machine configs (bytes, documents):");
    for (NodeConfig c : configs) {
      System.out.printf("  %-9s %-12s %6d bytes  %d documents  prefix %s%n", c.node(), c.role(),
          c.yaml().getBytes(StandardCharsets.UTF_8).length, c.documents().size(), c.prefix());
      // re-parse the text and validate again: what is written is what was checked
      List<JsonNode> docs = generator.parseAll(c.yaml(), c.node());
      assertThat(docs).hasSameSizeAs(c.documents());
      for (JsonNode d : docs) {
        assertThat(schema.validate(d)).as(c.node() + " " + d.path("kind").asText("v1alpha1")).isEmpty();
      }
    }
  }

  @Test
  void theSchemaCheckIsRealABrokenDocumentIsRefusedNamingNodeAndField() {
    NodeConfig c = configs.get(0);
    List<JsonNode> docs = new ArrayList<>(c.documents());
    ObjectNode broken = docs.get(0).deepCopy();
    ((ObjectNode) broken.get("machine")).put("type", "router");
    ((ObjectNode) broken.get("machine")).put("colour", "blue");
    docs.set(0, broken);
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> generator.validate(c.node(), docs));
    assertThat(e.getMessage()).contains("node cp-1");
    assertThat(String.join("\n", e.details())).contains("node cp-1: document 1").contains("type")
        .contains("colour");
    assertThat(schema.validate(((ObjectNode) c.documents().get(1).deepCopy()).put("kind", "NoSuchKind"))).isNotEmpty();
  }

  @Test
  void addressesAreInTheNodePrefixAndKubeletAndEtcdArePinnedToIt() {
    for (NodeConfig c : configs) {
      Node n = inv.node(c.node()).orElseThrow();
      Ipv6Prefix p = prefixes.get(c.node());
      assertThat(p.length()).isEqualTo(64);
      assertThat(inv.cluster().productionPool().orElseThrow().contains(p)).isTrue();
      JsonNode cfg = c.documents().get(0);
      assertThat(cfg.at("/machine/type").asText()).isEqualTo(n.role().wireName());
      assertThat(cfg.at("/machine/kubelet/nodeIP/validSubnets/0").asText()).isEqualTo(p.toString());
      assertThat(cfg.at("/machine/install/disk").asText()).isEqualTo("/dev/nvme0n1");
      assertThat(cfg.at("/cluster/discovery/enabled").asBoolean(true)).isFalse();
      assertThat(cfg.at("/cluster/network/cni/name").asText()).isEqualTo("none");
      assertThat(cfg.at("/cluster/network/podSubnets/0").asText()).isEqualTo("2001:db8:4000::/56");
      JsonNode dummy = kind(c, "DummyLinkConfig").get(0);
      String addr = dummy.at("/addresses/0/address").asText();
      assertThat(addr).isEqualTo(MachineConfigGenerator.productionAddress(p) + "/64");
      assertThat(p.contains(Ipv6Prefix.parse("a", addr.replace("/64", "/128")))).isTrue();
      if (n.role() == Role.CONTROLPLANE) {
        assertThat(cfg.at("/cluster/etcd/advertisedSubnets/0").asText()).isEqualTo(p.toString());
        assertThat(cfg.at("/cluster/ca/key").asText()).isNotEmpty();
      } else {
        assertThat(cfg.at("/cluster/etcd").isMissingNode()).isTrue();
        assertThat(cfg.at("/cluster/ca/key").asText()).isEmpty();
        assertThat(cfg.at("/machine/ca/key").asText()).isEmpty();
      }
      assertThat(kind(c, "ResolverConfig").get(0).at("/nameservers/0/address").asText())
          .isEqualTo("2001:db8:100::53");
      assertThat(kind(c, "HostnameConfig").get(0).get("hostname").asText()).isEqualTo(c.node());
      assertThat(kind(c, "RegistryMirrorConfig")).hasSize(1);
      assertThat(kind(c, "TrustedRootsConfig").get(0).get("certificates").asText()).isEqualTo(caPem.strip() + "\n");
    }
    // all six /64s differ; the allocated ones skipped the static ones
    assertThat(prefixes.values()).doesNotHaveDuplicates();
  }

  @Test
  void everyFabricLinkIsLinkLocalOnlyWithAcceptRaZeroAndIsABgpNeighbour() {
    for (NodeConfig c : configs) {
      Node n = inv.node(c.node()).orElseThrow();
      JsonNode sysctls = c.documents().get(0).at("/machine/sysctls");
      List<JsonNode> links = kind(c, "LinkConfig");
      assertThat(links).hasSameSizeAs(n.fabric());
      String bird = kind(c, "ExtensionServiceConfig").get(0).at("/configFiles/0/content").asText();
      assertThat(kind(c, "ExtensionServiceConfig").get(0).get("name").asText()).isEqualTo("bird2");
      List<String> neighbours = new ArrayList<>();
      var m = Pattern.compile("protocol bgp \\S+ from fabric \\{\\n  interface \"([^\"]+)\";").matcher(bird);
      while (m.find()) {
        neighbours.add(m.group(1));
      }
      assertThat(neighbours).containsExactlyElementsOf(n.fabric().stream().map(FabricLink::iface).toList());
      for (FabricLink l : n.fabric()) {
        assertThat(sysctls.get("net.ipv6.conf." + l.iface() + ".accept_ra").asText()).isEqualTo("0");
        assertThat(sysctls.get("net.ipv6.conf." + l.iface() + ".autoconf").asText()).isEqualTo("0");
        JsonNode link = links.stream().filter(x -> x.get("name").asText().equals(l.iface())).findFirst().orElseThrow();
        assertThat(link.has("addresses")).as("link-local only").isFalse();
      }
      assertThat(bird).contains("if net = " + prefixes.get(c.node()) + " then accept;");
    }
  }

  @Test
  void noIpv4AnywhereInAnyConfig() {
    for (NodeConfig c : configs) {
      String text = c.yaml();
      // certificates and keys are base64 and cannot hold a dotted quad; check the whole text
      assertThat(IPV4.matcher(text).find()).as(c.node() + ": " + (IPV4.matcher(text).find()
          ? IPV4.matcher(text).results().map(r -> r.group()).toList() : "")).isFalse();
    }
  }

  @Test
  void theSecretsBundleIsMadeOnceStoredPrivatelyAndReused() throws Exception {
    Path pki = dir.resolve("pki");
    Path file = ClusterSecrets.file(pki, inv.cluster().name());
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    ClusterSecrets again = ClusterSecrets.loadOrCreate(pki, inv.cluster().name(), Clock.systemUTC());
    assertThat(again.toYaml()).isEqualTo(secrets.toYaml());
    assertThat(again.toString()).doesNotContain(secrets.bootstrapToken()).contains("redacted");
    assertThat(Pem.parseCertificates(secrets.os().crtPem(), "os").get(0).getPublicKey().getAlgorithm())
        .isIn("Ed25519", "EdDSA");
    assertThat(Pem.parseCertificates(secrets.k8s().crtPem(), "k8s").get(0).getPublicKey().getAlgorithm())
        .isEqualTo("EC");
    assertThat(secrets.os().keyPem()).startsWith("-----BEGIN ED25519 PRIVATE KEY-----");
    assertThat(secrets.etcd().keyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(secrets.bootstrapToken()).matches("[a-z0-9]{6}\\.[a-z0-9]{16}");
    assertThat(Base64.getDecoder().decode(secrets.secretboxSecret())).hasSize(32);
    // the machine configs carry the same cluster identity
    for (NodeConfig c : configs) {
      assertThat(c.documents().get(0).at("/cluster/id").asText()).isEqualTo(secrets.clusterId());
    }
  }

  @Test
  void talosconfigHoldsAnAdminCertificateFromTheOsCa() throws Exception {
    String tc = generator.talosconfig(inv, prefixes, secrets, Clock.systemUTC());
    JsonNode n = generator.parseAll(tc, "talosconfig").get(0);
    JsonNode ctx = n.at("/contexts/prod1");
    assertThat(ctx.get("endpoints")).hasSize(3);
    String crt = new String(Base64.getDecoder().decode(ctx.get("crt").asText()), StandardCharsets.UTF_8);
    var cert = Pem.parseCertificates(crt, "admin").get(0);
    assertThat(cert.getSubjectX500Principal().getName()).contains("O=os:admin");
    cert.verify(Pem.parseCertificates(secrets.os().crtPem(), "os").get(0).getPublicKey());
  }

  @Test
  void theFrrStaticPodVariantValidatesToo() {
    String text = readExample().replace("speaker: bird2", "speaker: frr\n    frrImage: registry.example.net/frr/frr:10.4.1");
    Inventory frr = NodesFile.parse("frr.yaml", text);
    Node n = frr.nodes().get(0);
    NodeConfig c = generator.generate(frr, n, prefixes.get(n.name()), secrets, caPem);
    assertThat(kind(c, "ExtensionServiceConfig")).isEmpty();
    JsonNode machine = c.documents().get(0).get("machine");
    assertThat(machine.at("/pods/0/spec/hostNetwork").asBoolean()).isTrue();
    assertThat(machine.at("/files/0/content").asText()).contains("neighbor enp1s0f0 interface peer-group fabric")
        .contains("network " + prefixes.get(n.name()));
  }

  @Test
  void theBirdConfigurationParsesWithTheRealBird() throws Exception {
    Path bird = Path.of("/usr/sbin/bird");
    if (!Files.isExecutable(bird)) {
      throw new AssertionError("bird2 is not installed: run scripts/bootstrap-debian");
    }
    for (NodeConfig c : configs) {
      Path conf = dir.resolve(c.node() + "-bird.conf");
      Files.writeString(conf, kind(c, "ExtensionServiceConfig").get(0).at("/configFiles/0/content").asText());
      Process p = new ProcessBuilder(bird.toString(), "-p", "-c", conf.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(c.node() + ": " + out).isZero();
    }
  }

  static String readExample() {
    try {
      return Files.readString(NodesFileTest.EXAMPLE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<JsonNode> kind(NodeConfig c, String kind) {
    return c.documents().stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }
}
