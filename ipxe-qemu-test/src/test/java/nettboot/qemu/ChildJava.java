package nettboot.qemu;

import java.nio.file.Path;
import java.util.List;

/** Child JVMs started from the test class path (helpers the tests run inside the lab's namespaces). */
final class ChildJava {
  private ChildJava() {}

  /** The java binary and class path of this JVM, running {@code mainClass}. */
  static List<String> command(String mainClass) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.net.preferIPv6Addresses=true", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), mainClass);
  }
}
