package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code lab up} is refused with one line before anything is created. (The fabric
 * itself is proven in ipxe-qemu-test's RoutedFabricTest, which needs namespaces.)
 */
class LabCommandTest {
  static final Path LAB_NODES = Path.of("..", "examples", "lab-nodes.yaml");

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void aNodesFileThatCannotBeLaidOutIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(LAB_NODES).replace("tor: tor-b, port: swp2}", "tor: tor-b, port: spine}"));
    Path labDir = dir.resolve("lab");
    Run r = run("lab", "up", "--nodes", bad.toString(), "--dir", labDir.toString(), "--until-ready");
    assertThat(r.exit()).as(r.err()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.err()).contains("cannot lay out the lab (1 problem)").contains("node m2: fabric[1].port: 'spine'");
    assertThat(labDir).doesNotExist();
  }

  @Test
  void moreMachinesThanNodesIsRefused() {
    Run r = run("lab", "up", "--nodes", LAB_NODES.toString(), "--machines", "5", "--dir", dir.resolve("lab").toString());
    assertThat(r.exit()).isEqualTo(Main.EXIT_INVALID);
    assertThat(r.err()).contains("--machines 5").contains("has 2 nodes");
  }

  @Test
  void anEarlierLabStillUpIsRefusedAndLeftAlone() throws Exception {
    Path labDir = Files.createDirectories(dir.resolve("lab"));
    String state = "{\"name\":\"lab\",\"ownerPid\":1,\"namespaces\":[],\"processes\":[],\"directories\":[]}";
    Files.writeString(labDir.resolve("state.json"), state);
    Run r = run("lab", "up", "--nodes", LAB_NODES.toString(), "--dir", labDir.toString(), "--until-ready");
    assertThat(r.exit()).isEqualTo(Main.EXIT_CONFLICT);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("a lab is already up").contains("lab down --dir " + labDir);
    assertThat(Files.readString(labDir.resolve("state.json"))).isEqualTo(state);
  }
}
