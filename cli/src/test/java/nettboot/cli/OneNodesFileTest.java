package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.talos.Inventory;
import nettboot.core.talos.NodesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator keeps one nodes.yaml: 'talos gen' and 'redfish provision' both read the example. */
class OneNodesFileTest {
  @Test
  void theExampleInventoryServesTalosGenerationAndRedfishProvisioning(@TempDir Path tmp) throws Exception {
    Path example = Path.of("..", "examples", "nodes.yaml");
    EmbeddedCa ca = EmbeddedCa.init(tmp.resolve("pki"), "boot.example.net", List.of("::1"), Clock.systemUTC());
    Path bmcDir = Files.createDirectories(tmp.resolve("bmc"));
    for (int i = 1; i <= 3; i++) {
      Files.writeString(bmcDir.resolve("cp-" + i + ".password"), "secret-" + i + "\n");
      Files.copy(ca.rootCertPath(), bmcDir.resolve("cp-" + i + ".pem"));
    }
    Path nodes = tmp.resolve("nodes.yaml");
    Files.writeString(nodes, Files.readString(example).replace("/etc/nett-boot/bmc/", bmcDir + "/"));

    Inventory inv = NodesFile.read(nodes);
    assertThat(inv.node("cp-1").orElseThrow().bmc()).isPresent();

    List<NodesFile.BmcEntry> bmcs = NodesFile.readBmcs(nodes, name -> "BMC_USER".equals(name) ? "admin" : null);
    assertThat(bmcs).extracting(NodesFile.BmcEntry::name).containsExactly("cp-1", "cp-2", "cp-3");
  }
}
