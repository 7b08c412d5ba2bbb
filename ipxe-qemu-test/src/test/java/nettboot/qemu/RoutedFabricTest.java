package nettboot.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.talos.NodesFile;
import nettboot.lab.FabricLab;
import nettboot.lab.Sh;
import nettboot.lab.Teardown;
import nettboot.lab.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The routed fabric without VMs: a host namespace stands in for the machine (a veth per NIC in
 * place of the VM's taps), its kernel takes the SLAAC address from ToR-A's RA and the default
 * route via ToR-A's link-local address, and reaches the metadata server's anycast /128 (in the
 * services namespace, not on the machines' segment) over mTLS with the tenant certificate. With
 * ToR-A's port down the machine, brought up again, gets its address through ToR-B and still
 * reaches the server; BGP has withdrawn the NIC's /128 behind ToR-A meanwhile.
 */
class RoutedFabricTest {
  static final Path REPO = Path.of(System.getProperty("nettboot.repo", ".."));
  static final String ANYCAST = "2001:db8:100::443";

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void machineReachesTheAnycastServerThroughEitherTorByRoutingOnly() throws Exception {
    long t0 = System.nanoTime();
    String name = "t" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    Topology t = Topology.of(name, NodesFile.read(REPO.resolve("examples/lab-nodes.yaml")), 1, ANYCAST);
    Path dir = Path.of(System.getProperty("nettboot.e2eLogs", "target/e2e-logs")).toAbsolutePath()
        .resolveSibling("fabric-lab-" + name);
    Topology.MachinePlace m = t.machines().get(0);
    Topology.Nic viaA = m.nics().get(0);
    Topology.Nic viaB = m.nics().get(1);
    String uuid = m.node().uuid().orElseThrow().value();
    try (FabricLab lab = FabricLab.build(t, dir, System.out::println)) {
      lab.startServer(ChildJava.command("nettboot.cli.Main"));
      for (String ns : t.namespaces().subList(0, 3)) {
        String summary = lab.vtysh(ns, "show bgp summary");
        System.out.println("--- " + ns + ": vtysh -c 'show bgp summary'\n" + summary);
        JsonObject peers = new JsonObject(lab.vtysh(ns, "show bgp ipv6 unicast summary json")).getJsonObject("peers");
        String uplink = ns.equals(t.servicesNs()) ? null : Topology.SPINE_IF;
        for (String peer : peers.fieldNames()) {
          if (uplink == null || peer.equals(uplink)) {
            assertThat(peers.getJsonObject(peer).getString("state")).as(ns + " peer " + peer).isEqualTo("Established");
          }
        }
      }
      seed(lab, uuid);
      EmbeddedCa ca = lab.pki();
      String host = lab.attachHost(m);

      // NIC 0 up (as iPXE tries net0 first): SLAAC from ToR-A's RA, default route via ToR-A's
      // link-local address, the request leaves from that address.
      up(host, "nic0");
      awaitAddress(host, "nic0", viaA.slaacAddress());
      String torALinkLocal = linkLocal(viaA.tor().ns(), viaA.link().port());
      awaitDefaultVia(host, "nic0", torALinkLocal);
      String script = bootScript(host, ca, uuid, viaA.slaacAddress());
      assertThat(script).startsWith("#!ipxe");
      System.out.println("--- " + host + ": ip -6 route\n" + Sh.run("ip", "-n", host, "-6", "route"));

      // ToR-A's port down: BGP withdraws the /128 of NIC 0; the machine, brought up again, gets
      // its address only through ToR-B and still reaches the server.
      Sh.run("ip", "-n", host, "link", "set", "nic0", "down");
      lab.torPort(viaA, false);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (FabricLab.hasRoute(t.servicesNs(), viaA.slaacAddress()) && System.nanoTime() < end) {
        Thread.sleep(200);
      }
      assertThat(FabricLab.hasRoute(t.servicesNs(), viaA.slaacAddress())).as("withdrawn behind ToR-A").isFalse();
      up(host, "nic0", "nic1");
      awaitAddress(host, "nic1", viaB.slaacAddress());
      awaitDefaultVia(host, "nic1", linkLocal(viaB.tor().ns(), viaB.link().port()));
      assertThat(Sh.run("ip", "-n", host, "-6", "addr", "show", "dev", "nic0", "scope", "global")).isBlank();
      assertThat(bootScript(host, ca, uuid, viaB.slaacAddress())).startsWith("#!ipxe");
      System.out.println("--- " + host + " with ToR-A down: ip -6 route\n" + Sh.run("ip", "-n", host, "-6", "route"));
      assertThat(lab.server().output()).contains("\"path\":\"/v1/boot/" + uuid + "\"");
    }
    assertThat(Teardown.namespacesWithPrefix(t.namespacePrefix())).as("namespaces left behind").isEmpty();
    assertThat(dir.resolve("state.json")).doesNotExist();
    System.out.printf("routed fabric case: %.1f s including set-up and teardown%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void seed(FabricLab lab, String uuid) throws Exception {
    Path art = Files.createTempFile(lab.dir, "placeholder", ".bin");
    Files.writeString(art, "not bootable: the routed fabric case only fetches the boot script\n");
    for (String a : List.of("vmlinuz", "initrd.img")) {
      lab.admin().upload("PUT", "/v1/admin/artifacts/" + a, art, "application/octet-stream").expect(200);
    }
    lab.admin().call("PUT", "/v1/admin/profiles/fabric", new JsonObject().put("tenant", "acme")
        .put("kernel", "vmlinuz").put("initrd", "initrd.img").put("cmdline", "console=ttyS0").encode()).expect(200);
    lab.admin().call("POST", "/v1/admin/machines", new JsonObject().put("tenant", "acme").put("uuid", uuid)
        .put("macs", new JsonArray()).put("role", "worker").put("profile", "fabric").encode()).expect(201);
  }

  private static void up(String ns, String... devs) {
    for (String d : devs) {
      Sh.run("ip", "-n", ns, "link", "set", d, "up");
    }
  }

  private static String bootScript(String host, EmbeddedCa ca, String uuid, String from) {
    Sh.Result r = Sh.exec(Duration.ofSeconds(60), List.of("ip", "netns", "exec", host, "curl", "-sS", "-g",
        "--max-time", "30", "--cacert", ca.rootCertPath().toString(), "--cert", ca.tenantCertPath("acme").toString(),
        "--key", ca.tenantKeyPath("acme").toString(), "-w", "\n%{http_code} from %{local_ip}",
        "https://[" + ANYCAST + "]/v1/boot/" + uuid));
    System.out.println("--- curl from " + host + ": " + r.output().lines().reduce((a, b) -> b).orElse(""));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().lines().reduce((a, b) -> b).orElse("")).isEqualTo("200 from " + from);
    return r.output();
  }

  private static String linkLocal(String ns, String dev) {
    String out = Sh.run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", dev, "scope", "link");
    return out.replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/64.*", "$1");
  }

  private static void awaitAddress(String ns, String dev, String address) throws InterruptedException {
    awaitOutput(List.of("ip", "-n", ns, "-6", "addr", "show", "dev", dev),
        o -> o.contains(address + "/64") && !o.contains("tentative"), "SLAAC address " + address + " on " + dev);
  }

  private static void awaitDefaultVia(String ns, String dev, String router) throws InterruptedException {
    awaitOutput(List.of("ip", "-n", ns, "-6", "route", "show", "default"),
        o -> o.contains("via " + router + " dev " + dev + " proto ra"), "default route via " + router + " dev " + dev);
  }

  private static void awaitOutput(List<String> cmd, java.util.function.Predicate<String> ok, String what)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String out = "";
    while (System.nanoTime() < end) {
      out = Sh.exec(Duration.ofSeconds(10), cmd).output();
      if (ok.test(out)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + what + " within 60 s: " + out);
  }
}
