package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TalosCommandTest {
  static final Path EXAMPLE = Path.of("..", "examples", "nodes.yaml");

  @TempDir
  Path dir;

  @Test
  void genWritesEveryNodeAndTheTalosconfigAllOrNothing() throws Exception {
    Path pki = dir.resolve("pki");
    Path data = Files.createDirectories(dir.resolve("data"));
    Path out = dir.resolve("out");
    assertThat(Main.run("pki", "init", "--dir", pki.toString(), "--boot-domain", "boot.dc1.example.net",
        "--server-address", "2001:db8:100::443")).isZero();
    String[] gen = {"talos", "gen", "--nodes", EXAMPLE.toString(), "--pki", pki.toString(),
        "--out", out.toString(), "--data", data.toString()};
    assertThat(Main.run(gen)).isZero();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("cp-1.yaml",
          "cp-2.yaml", "cp-3.yaml", "talosconfig", "worker-1.yaml", "worker-2.yaml", "worker-3.yaml");
    }
    assertThat(Files.getPosixFilePermissions(out.resolve("cp-1.yaml")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String worker1 = Files.readString(out.resolve("worker-1.yaml"));

    // an existing output is not replaced without --force; with it, the same prefixes come back
    assertThat(Main.run(gen)).isEqualTo(Main.EXIT_CONFLICT);
    String[] forced = java.util.Arrays.copyOf(gen, gen.length + 1);
    forced[gen.length] = "--force";
    assertThat(Main.run(forced)).isZero();
    String again = Files.readString(out.resolve("worker-1.yaml"));
    assertThat(again).isEqualTo(worker1); // same secrets bundle, same allocated prefix

    // a bad inventory writes nothing
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, Files.readString(EXAMPLE).replace("2001:db8:100::53", "2001:db8:meta::1"));
    Path out2 = dir.resolve("out2");
    assertThat(Main.run("talos", "gen", "--nodes", bad.toString(), "--pki", pki.toString(),
        "--out", out2.toString(), "--data", data.toString())).isEqualTo(Main.EXIT_INVALID);
    assertThat(out2).doesNotExist();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".out"));
    }

    // allocation without a store is refused, naming the nodes
    assertThat(Main.run("talos", "gen", "--nodes", EXAMPLE.toString(), "--pki", pki.toString(),
        "--out", dir.resolve("out3").toString())).isEqualTo(Main.EXIT_INVALID);

    // a --data directory that does not exist yet is created, as 'serve' does
    Path fresh = dir.resolve("fresh").resolve("data");
    assertThat(Main.run("talos", "gen", "--nodes", EXAMPLE.toString(), "--pki", pki.toString(),
        "--out", dir.resolve("out4").toString(), "--data", fresh.toString())).isZero();
    assertThat(fresh.resolve("nett-boot.db")).isRegularFile();
  }

  @Test
  void fabricCommandsPrintTorAndGatewayConfigs() {
    String tor = capture("fabric", "tor", "--nodes", EXAMPLE.toString(), "--name", "tor-a2");
    assertThat(tor).contains("hostname tor-a2").contains("neighbor swp3 interface peer-group servers")
        .contains("ipv6 nd prefix 2001:db8:b007:5eed::/64").contains("no ipv6 nd suppress-ra");
    assertThat(capture("fabric", "gateway", "--nodes", EXAMPLE.toString()))
        .contains("interface br-lab").contains("prefix 2001:db8:b007:5eed::/64");
    assertThat(capture("fabric", "gateway", "--nodes", EXAMPLE.toString(), "--daemon", "frr"))
        .contains("no ipv6 nd suppress-ra").contains("ipv6 nd rdnss 2001:db8:100::53");
  }

  static String capture(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args)).isZero();
    } finally {
      System.setOut(saved);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
