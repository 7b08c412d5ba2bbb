package nettboot.core.machine;

import java.util.Locale;
import java.util.regex.Pattern;
import nettboot.core.error.ErrorText;
import nettboot.core.error.InvalidInputException;

/**
 * How a machine names itself on the boot path: its SMBIOS UUID (canonical lower-case 8-4-4-4-12)
 * or one of its MACs (canonical lower-case colon form). Parsing is strict so that an id that
 * reaches a script or a SQL parameter is always one of these two shapes.
 */
public sealed interface MachineId permits MachineId.Uuid, MachineId.Mac {

  /** The canonical text form. */
  String value();

  /** A canonical SMBIOS UUID. */
  record Uuid(String value) implements MachineId {
    public Uuid {
      if (!UUID_CANONICAL.matcher(value).matches()) {
        throw new InvalidInputException("uuid", "not a canonical UUID: " + ErrorText.printable(value));
      }
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** A canonical MAC address (aa:bb:cc:dd:ee:ff). */
  record Mac(String value) implements MachineId {
    public Mac {
      if (!MAC_CANONICAL.matcher(value).matches()) {
        throw new InvalidInputException("mac", "not a canonical MAC: " + ErrorText.printable(value));
      }
    }

    @Override
    public String toString() {
      return value;
    }
  }

  Pattern UUID_ANY = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  Pattern UUID_CANONICAL = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  Pattern MAC_COLON = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  Pattern MAC_HYPHEN = Pattern.compile("[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){5}");
  Pattern MAC_BARE = Pattern.compile("[0-9a-fA-F]{12}");
  Pattern MAC_CANONICAL = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

  /**
   * Parses what a client sent as a machine id: a UUID in any case, or a MAC as
   * {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff} (iPXE's {@code ${mac:hexhyp}}) or 12 hex
   * digits. The all-zero and all-F UUIDs are firmware placeholders, not identities, and are refused.
   *
   * @throws InvalidInputException with a one-line reason when the text is neither
   */
  static MachineId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidInputException("id", "empty machine id; expected a SMBIOS UUID or a MAC");
    }
    if (text.length() > 64) {
      throw new InvalidInputException("id", "machine id longer than 64 characters");
    }
    try {
      if (UUID_ANY.matcher(text).matches()) {
        return parseUuid(text);
      }
      if (MAC_COLON.matcher(text).matches() || MAC_HYPHEN.matcher(text).matches()
          || MAC_BARE.matcher(text).matches()) {
        return parseMac(text);
      }
    } catch (InvalidInputException e) {
      throw new InvalidInputException("id", e.getMessage().substring(e.field().length() + 2));
    }
    throw new InvalidInputException("id", "not a SMBIOS UUID (8-4-4-4-12 hex) or a MAC "
        + "(aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or 12 hex digits): " + ErrorText.printable(text));
  }

  /** Parses a UUID field (enrolment input), refusing the firmware placeholder values. */
  static Uuid parseUuid(String text) {
    if (text == null || !UUID_ANY.matcher(text).matches()) {
      throw new InvalidInputException("uuid",
          "not a SMBIOS UUID (8-4-4-4-12 hex digits): " + ErrorText.printable(text));
    }
    String canonical = text.toLowerCase(Locale.ROOT);
    String digits = canonical.replace("-", "");
    if (digits.chars().allMatch(c -> c == '0') || digits.chars().allMatch(c -> c == 'f')) {
      throw new InvalidInputException("uuid", "UUID " + canonical
          + " is a firmware placeholder (all zeros or all F), not a machine identity; use the MAC");
    }
    return new Uuid(canonical);
  }

  /** Parses a MAC field in any of the accepted spellings. */
  static Mac parseMac(String text) {
    if (text == null || !(MAC_COLON.matcher(text).matches() || MAC_HYPHEN.matcher(text).matches()
        || MAC_BARE.matcher(text).matches())) {
      throw new InvalidInputException("mac",
          "not a MAC (aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or 12 hex digits): " + ErrorText.printable(text));
    }
    String hex = text.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 12; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, i + 2);
    }
    String canonical = sb.toString();
    if (canonical.equals("00:00:00:00:00:00") || canonical.equals("ff:ff:ff:ff:ff:ff")) {
      throw new InvalidInputException("mac", "MAC " + canonical + " cannot identify a machine");
    }
    return new Mac(canonical);
  }
}
