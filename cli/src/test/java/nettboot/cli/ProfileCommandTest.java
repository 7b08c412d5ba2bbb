package nettboot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `profile put` refuses a command line that is not kernel arguments before it connects anywhere. */
class ProfileCommandTest {
  @Test
  void aCommandLineWithIpxeSyntaxIsInvalidInputNamingTheOption() {
    PrintStream saved = System.err;
    for (String bad : new String[] {"console=ttyS0 && shell", "quiet || chain http://x/y", "a;b", "x=${mac}",
        "a\nb", "a  b"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        code = Main.run("profile", "put", "p", "--tenant", "acme", "--kernel", "k", "--initrd", "i",
            "--cmdline", bad, "--admin-url", "https://[::1]:1", "--pki", "/nonexistent");
      } finally {
        System.setErr(saved);
      }
      assertThat(code).as(bad).isEqualTo(Main.EXIT_INVALID);
      assertThat(err.toString(StandardCharsets.UTF_8)).as(bad).contains("--cmdline")
          .contains("kernel arguments");
    }
  }
}
