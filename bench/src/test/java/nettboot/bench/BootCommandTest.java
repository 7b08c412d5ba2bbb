package nettboot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import nettboot.cli.Main;
import nettboot.core.pki.EmbeddedCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'bench boot' against a server it did not start ('serve' in a child JVM): it enrols, loads and prints (numbers are never asserted). */
class BootCommandTest {
  @Test
  void enrolsTheMachinesThenMeasuresNewConnectionBootDecisions(@TempDir Path tmp) throws Exception {
    Path pki = tmp.resolve("pki");
    EmbeddedCa ca = EmbeddedCa.init(pki, "boot.bench.test", List.of(StormLab.HOST, "localhost"), Clock.systemUTC());
    ca.issueTenant("demo");
    ca.issueAdmin("operator");
    int boot = StormServers.freePort();
    int admin = StormServers.freePort();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Djava.net.preferIPv6Addresses=true",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--pki", pki.toString(), "--data", tmp.resolve("data").toString(),
        "--boot-listen", "[::1]:" + boot, "--admin-listen", "[::1]:" + admin,
        "--config-listen", "[::1]:" + StormServers.freePort(), "--ops-listen", "[::1]:" + StormServers.freePort(),
        "--events-listen", "off", "--no-access-log",
        // all load comes from [::1], standing in for one address per machine
        "--boot-burst-per-address", "1000000", "--boot-rate-per-address", "1000000"));
    try (Child server = Child.start("serve", boot, cmd, tmp.resolve("serve.log"))) {
      server.awaitLine("server_started", Duration.ofSeconds(90));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream old = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = BenchCommand.run("boot", "--boot-url", "https://[::1]:" + boot, "--admin-url", "https://[::1]:" + admin,
            "--pki", pki.toString(), "--machines", "20", "--connections", "4", "--duration", "1", "--warmup", "1",
            "--new-connections");
      } finally {
        System.setOut(old);
      }
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(code).as(text).isEqualTo(0);
      assertThat(text).startsWith("bench boot: new TLS connection per request, 4 connections, 20 machines, 1 s")
          .containsPattern("(?m)^  requests ok     [1-9]\\d*$")
          .containsPattern("(?m)^  errors          0$")
          .containsPattern("(?m)^  latency ms      p50 \\d+\\.\\d\\d  p99 \\d+\\.\\d\\d  p99\\.9 \\d+\\.\\d\\d  max \\d+\\.\\d\\d$");
    }
  }

  @Test
  void refusesNonPositiveFiguresAndABootUrlThatIsNotHttps(@TempDir Path tmp) {
    assertThat(BenchCommand.run("boot", "--boot-url", "https://[::1]:1", "--pki", tmp.toString(), "--machines", "0"))
        .isEqualTo(Main.EXIT_INVALID);
    assertThat(BenchCommand.run("boot", "--boot-url", "http://[::1]:1", "--pki", tmp.toString()))
        .isEqualTo(Main.EXIT_INVALID);
  }
}
