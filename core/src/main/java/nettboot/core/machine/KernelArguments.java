package nettboot.core.machine;

import nettboot.core.error.InvalidInputException;

/**
 * The shape of a boot profile's kernel command line, which is pasted into an iPXE {@code kernel}
 * line: arguments separated by single spaces, each made of letters, digits and
 * {@code = . , : / - _ + @ [ ] % ~ ?} only. That is what Linux and Talos arguments need
 * ({@code talos.platform=metal console=ttyS0,115200n8 init_on_alloc=1},
 * {@code ip=[fd00::2]::[fd00::1]:64::eth0:off}, {@code talos.logging.kernel=tcp://[fd00::9]:5000/})
 * and nothing iPXE reads as syntax: no {@code &&}, {@code ||}, {@code ;}, {@code $}, braces,
 * backslash, quotes, {@code #}, tabs, newlines or other control characters.
 */
public final class KernelArguments {
  private KernelArguments() {}

  /** Refuses {@code value} unless it has the shape above; the message names the offending character. */
  public static String require(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ') {
        if (i == 0 || i == value.length() - 1 || value.charAt(i - 1) == ' ') {
          throw new InvalidInputException(field, "kernel arguments are separated by single spaces"
              + " (offset " + i + ")");
        }
      } else if (!allowed(c)) {
        throw new InvalidInputException(field, "character " + describe(c) + " at offset " + i
            + " is not allowed in kernel arguments (letters, digits, = . , : / - _ + @ [ ] % ~ ?"
            + " and single spaces)");
      }
    }
    return value;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "=.,:/-_+@[]%~?".indexOf(c) >= 0;
  }

  private static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
