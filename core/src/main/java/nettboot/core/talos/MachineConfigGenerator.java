package nettboot.core.talos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.fabric.Ipv6Prefix;
import nettboot.core.machine.Role;
import nettboot.core.talos.Inventory.FabricLink;
import nettboot.core.talos.Inventory.Node;
import nettboot.core.talos.Inventory.RegistryMirror;
import nettboot.core.talos.Inventory.Speaker;

/**
 * Generates each node's Talos machine configuration: a multi-document YAML of a v1alpha1 Config
 * and the network, resolver, registry, extension-service and trusted-roots documents, built as
 * Jackson trees in Java (no templates), serialised, parsed back and validated document by document
 * against the official schema before it is returned. A document that fails the schema is a bug or
 * a bad input, reported as InvalidInputException naming the node, the document and the field.
 *
 * <p>The node's production /64 carries its address (prefix::1) on the {@code dummy0} interface;
 * the fabric links are link-local only ({@code accept_ra=0}, {@code autoconf=0}); the BGP speaker
 * (bird2 extension by default, FRR static pod on request) peers unnumbered over each fabric link
 * and announces exactly the node prefix; kubelet and etcd pick their address from that prefix.
 */
public final class MachineConfigGenerator {
  /** The interface that carries the production address. */
  public static final String DUMMY = "dummy0";
  public static final String TRUSTED_ROOTS_NAME = "nett-boot-platform-ca";
  public static final String BIRD_CONF = "/usr/local/etc/bird.conf";
  public static final String FRR_DIR = "/var/etc/frr";

  private final TalosSchema schema;
  private final ObjectMapper yaml;
  private final ObjectMapper reader;

  public MachineConfigGenerator(TalosSchema schema) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.yaml = new ObjectMapper(YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
        .build());
    this.reader = new ObjectMapper(new YAMLFactory());
  }

  /** One node's configuration: the YAML text and the documents it was parsed back into. */
  public record NodeConfig(String node, Role role, Ipv6Prefix prefix, String yaml, List<JsonNode> documents) {
    public NodeConfig {
      documents = List.copyOf(documents);
    }

    @Override
    public String toString() {
      return "NodeConfig[" + node + ", " + documents.size() + " documents, " + yaml.length()
          + " bytes, secrets redacted]";
    }
  }

  /** The production address of a node: the first address after the prefix's network address. */
  public static String productionAddress(Ipv6Prefix prefix) {
    return prefix.addressText(1);
  }

  /**
   * The configuration of one node.
   *
   * @param prefix the node's production /64 (static or allocated)
   * @param platformCaPem the platform root CA (PEM) Talos must trust for the config download
   */
  public NodeConfig generate(Inventory inv, Node node, Ipv6Prefix prefix, ClusterSecrets secrets,
      String platformCaPem) {
    if (prefix.length() != 64) {
      throw new InvalidInputException("node " + node.name() + ": prefix", prefix + " is not a /64");
    }
    List<ObjectNode> docs = new ArrayList<>();
    docs.add(v1alpha1(inv, node, prefix, secrets));
    docs.add(doc("HostnameConfig").put("hostname", node.name()));
    ObjectNode resolver = doc("ResolverConfig");
    ArrayNode ns = resolver.putArray("nameservers");
    inv.cluster().nameservers().forEach(a -> ns.addObject().put("address", a));
    docs.add(resolver);
    ObjectNode dummy = doc("DummyLinkConfig").put("name", DUMMY);
    dummy.putArray("addresses").addObject().put("address", productionAddress(prefix) + "/64");
    docs.add(dummy);
    for (FabricLink link : node.fabric()) {
      ObjectNode l = doc("LinkConfig").put("name", link.iface()).put("up", true);
      link.mtu().ifPresent(m -> l.put("mtu", m));
      docs.add(l);
    }
    for (RegistryMirror m : inv.cluster().registryMirrors()) {
      ObjectNode r = doc("RegistryMirrorConfig").put("name", m.registry());
      r.putArray("endpoints").addObject().put("url", m.endpoint());
      docs.add(r);
    }
    if (inv.cluster().speaker() == Speaker.BIRD2) {
      ObjectNode ext = doc("ExtensionServiceConfig").put("name", "bird2");
      ext.putArray("configFiles").addObject()
          .put("content", BgpSpeakerConfig.bird(inv, node, prefix))
          .put("mountPath", BIRD_CONF);
      docs.add(ext);
    }
    docs.add(doc("TrustedRootsConfig").put("name", TRUSTED_ROOTS_NAME)
        .put("certificates", platformCaPem.strip() + "\n"));

    StringBuilder out = new StringBuilder();
    out.append("# Talos machine configuration for ").append(node.name()).append(" (")
        .append(node.role()).append("), generated by nett-boot; contains cluster secrets\n");
    for (int i = 0; i < docs.size(); i++) {
      if (i > 0) {
        out.append("---\n");
      }
      try {
        out.append(yaml.writeValueAsString(docs.get(i)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    String text = out.toString();
    List<JsonNode> parsed = parseAll(text, node.name());
    validate(node.name(), parsed);
    return new NodeConfig(node.name(), node.role(), prefix, text, parsed);
  }

  /** Validates every document of a multi-document YAML; problems name the node and document. */
  public void validate(String nodeName, List<JsonNode> documents) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode d = documents.get(i);
      String kind = d.has("kind") ? d.get("kind").asText() : "v1alpha1 Config";
      for (String p : schema.validate(d)) {
        problems.add("node " + nodeName + ": document " + (i + 1) + " (" + kind + "): " + p);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException("node " + nodeName, problems.size()
          + " schema violation(s) in the generated machine config", problems);
    }
  }

  /** Splits a multi-document YAML into its documents. */
  public List<JsonNode> parseAll(String text, String nodeName) {
    try (MappingIterator<JsonNode> it = reader.readerFor(JsonNode.class).readValues(text)) {
      List<JsonNode> out = new ArrayList<>();
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          out.add(n);
        }
      }
      return out;
    } catch (IOException e) {
      throw new InvalidInputException("node " + nodeName, "generated YAML does not parse: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private ObjectNode doc(String kind) {
    return yaml.createObjectNode().put("apiVersion", "v1alpha1").put("kind", kind);
  }

  private ObjectNode v1alpha1(Inventory inv, Node node, Ipv6Prefix prefix, ClusterSecrets s) {
    boolean cp = node.role() == Role.CONTROLPLANE;
    var c = inv.cluster();
    ObjectNode root = yaml.createObjectNode().put("version", "v1alpha1").put("debug", false);
    ObjectNode machine = root.putObject("machine");
    machine.put("type", node.role().wireName());
    machine.put("token", s.trustdToken());
    machine.putObject("ca").put("crt", ClusterSecrets.b64(s.os().crtPem()))
        .put("key", cp ? ClusterSecrets.b64(s.os().keyPem()) : "");
    machine.putArray("certSANs").add(productionAddress(prefix));
    ObjectNode kubelet = machine.putObject("kubelet");
    kubelet.putObject("nodeIP").putArray("validSubnets").add(prefix.toString());
    ObjectNode install = machine.putObject("install");
    install.put("disk", node.installDisk()).put("image", c.installImage()).put("wipe", false);
    ObjectNode sysctls = machine.putObject("sysctls");
    sysctls.put("net.ipv6.conf.all.forwarding", "1");
    for (FabricLink link : node.fabric()) {
      sysctls.put("net.ipv6.conf." + link.iface() + ".accept_ra", "0");
      sysctls.put("net.ipv6.conf." + link.iface() + ".autoconf", "0");
    }
    ObjectNode features = machine.putObject("features");
    // CoreDNS forwarding to the host resolver uses an IPv4 link-local address: off on IPv6-only
    features.putObject("hostDNS").put("enabled", true).put("forwardKubeDNSToHost", false);
    if (c.speaker() == Speaker.FRR) {
      machine.putArray("pods").add(frrPod(c.frrImage().orElseThrow()));
      ArrayNode files = machine.putArray("files");
      files.addObject().put("content", BgpSpeakerConfig.frr(inv, node, prefix))
          .put("permissions", 0644).put("path", FRR_DIR + "/frr.conf").put("op", "create");
      files.addObject().put("content", BgpSpeakerConfig.frrDaemons())
          .put("permissions", 0644).put("path", FRR_DIR + "/daemons").put("op", "create");
    }
    machine.putObject("nodeLabels").put("nett-boot/tenant", node.tenant());

    ObjectNode cluster = root.putObject("cluster");
    cluster.put("id", s.clusterId()).put("secret", s.clusterSecret());
    cluster.putObject("controlPlane").put("endpoint", c.kubernetesEndpoint());
    cluster.put("clusterName", c.name());
    ObjectNode net = cluster.putObject("network");
    net.put("dnsDomain", "cluster.local");
    ArrayNode pods = net.putArray("podSubnets");
    c.podSubnets().forEach(p -> pods.add(p.toString()));
    ArrayNode svcs = net.putArray("serviceSubnets");
    c.serviceSubnets().forEach(p -> svcs.add(p.toString()));
    net.putObject("cni").put("name", "none");
    cluster.put("token", s.bootstrapToken());
    cluster.putObject("ca").put("crt", ClusterSecrets.b64(s.k8s().crtPem()))
        .put("key", cp ? ClusterSecrets.b64(s.k8s().keyPem()) : "");
    cluster.putObject("discovery").put("enabled", false);
    if (cp) {
      cluster.put("secretboxEncryptionSecret", s.secretboxSecret());
      cluster.putObject("aggregatorCA").put("crt", ClusterSecrets.b64(s.aggregator().crtPem()))
          .put("key", ClusterSecrets.b64(s.aggregator().keyPem()));
      cluster.putObject("serviceAccount").put("key", ClusterSecrets.b64(s.serviceAccountKeyPem()));
      ObjectNode etcd = cluster.putObject("etcd");
      etcd.putObject("ca").put("crt", ClusterSecrets.b64(s.etcd().crtPem()))
          .put("key", ClusterSecrets.b64(s.etcd().keyPem()));
      etcd.putArray("advertisedSubnets").add(prefix.toString());
      if (!c.cniManifests().isEmpty()) {
        ArrayNode extra = cluster.putArray("extraManifests");
        c.cniManifests().forEach(extra::add);
      }
      cluster.put("allowSchedulingOnControlPlanes", false);
    }
    return root;
  }

  private ObjectNode frrPod(String image) {
    ObjectNode pod = yaml.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", "frr").put("namespace", "kube-system");
    ObjectNode spec = pod.putObject("spec");
    spec.put("hostNetwork", true).put("priorityClassName", "system-node-critical");
    ObjectNode ctr = spec.putArray("containers").addObject();
    ctr.put("name", "frr").put("image", image);
    ctr.putObject("securityContext").put("privileged", true);
    ctr.putArray("volumeMounts").addObject().put("name", "config").put("mountPath", "/etc/frr");
    spec.putArray("volumes").addObject().put("name", "config").putObject("hostPath")
        .put("path", FRR_DIR).put("type", "Directory");
    return pod;
  }

  /** The operator's talosconfig: the OS CA, an os:admin client certificate, the control plane. */
  public String talosconfig(Inventory inv, Map<String, Ipv6Prefix> prefixes, ClusterSecrets s, Clock clock) {
    ClusterSecrets.CertAndKey admin = s.issueAdmin(clock);
    ObjectNode root = yaml.createObjectNode().put("context", inv.cluster().name());
    ObjectNode ctx = root.putObject("contexts").putObject(inv.cluster().name());
    ArrayNode endpoints = ctx.putArray("endpoints");
    ArrayNode nodes = ctx.putArray("nodes");
    for (Node n : inv.nodes()) {
      String addr = productionAddress(prefixes.get(n.name()));
      if (n.role() == Role.CONTROLPLANE) {
        endpoints.add(addr);
      }
      nodes.add(addr);
    }
    ctx.put("ca", ClusterSecrets.b64(s.os().crtPem()))
        .put("crt", ClusterSecrets.b64(admin.crtPem()))
        .put("key", ClusterSecrets.b64(admin.keyPem()));
    try {
      return yaml.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
