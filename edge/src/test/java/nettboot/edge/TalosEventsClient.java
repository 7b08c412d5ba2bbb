package nettboot.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test's Talos stand-in for the events sink: src/test/go/talos-events-client, built with
 * Debian's Go toolchain and its grpc-go and protobuf packages (golang-go, golang-google-grpc-dev,
 * golang-google-protobuf-dev; scripts/bootstrap-debian installs them), so events travel over the
 * same gRPC implementation Talos uses. Built once per test JVM into target/.
 */
final class TalosEventsClient {
  private static final Path SOURCE = Paths.get("src/test/go/talos-events-client/main.go").toAbsolutePath();
  private static final Path BINARY = Paths.get("target/talos-events-client/talos-events-client").toAbsolutePath();
  private static Path built;

  /** What the client printed ("ok N" / "error N code=… msg=…" per event) and its exit code. */
  record Result(int exitCode, String output) {
    boolean allAccepted() {
      return exitCode == 0;
    }
  }

  private TalosEventsClient() {}

  static synchronized Path binary() throws IOException, InterruptedException {
    if (built != null) {
      return built;
    }
    if (Files.exists(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(Files.getLastModifiedTime(SOURCE)) > 0) {
      return built = BINARY;
    }
    Files.createDirectories(BINARY.getParent());
    ProcessBuilder pb = new ProcessBuilder("go", "build", "-o", BINARY.toString(), SOURCE.toString())
        .redirectErrorStream(true);
    // Debian's Go packages live in a GOPATH tree; nothing is downloaded.
    pb.environment().put("GOPATH", "/usr/share/gocode");
    pb.environment().put("GO111MODULE", "off");
    pb.environment().put("GOFLAGS", "");
    pb.environment().put("GOCACHE", BINARY.getParent().resolve("go-build-cache").toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("the Go toolchain is missing (apt-get install golang-go golang-google-grpc-dev"
          + " golang-google-protobuf-dev; scripts/bootstrap-debian does it): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("building the Talos events client failed:\n" + out);
    }
    return built = BINARY;
  }

  /** Publishes the events (see main.go for the syntax) to the sink over one gRPC connection. */
  static Result publish(String sink, String... events) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "-sink", sink));
    cmd.addAll(List.of(events));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("talos-events-client did not finish within 60 s:\n" + out);
    }
    return new Result(p.exitValue(), out);
  }
}
