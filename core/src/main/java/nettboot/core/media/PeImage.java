package nettboot.core.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;

/** Just enough PE/COFF to check an EFI application and keep its checksum right after a patch. */
final class PeImage {
  static final int EFI_APPLICATION = 10;
  private static final int PE32_PLUS = 0x20b;
  private static final int PE32 = 0x10b;
  /** The SBAT entry iPXE carries: {@code ipxe,1,iPXE,ipxe.efi,<version>,<url>}. */
  private static final Pattern SBAT_VERSION =
      Pattern.compile("\nipxe,[0-9]+,iPXE,[^,\n]{0,64},([0-9][^,\n]{0,63}),");
  /** iPXE's product name followed (after alignment padding) by its product version. */
  private static final Pattern PRODUCT_VERSION =
      Pattern.compile("iPXE\u0000{1,16}([0-9]+\\.[0-9]+\\.[0-9]+[\\x20-\\x7e]{0,48})\u0000");
  private static final Pattern MAJOR_MINOR = Pattern.compile("([0-9]+)\\.([0-9]+).*", Pattern.DOTALL);

  /** Offset of the optional header's CheckSum field. */
  final int checksumOffset;
  final int machine;
  final int subsystem;

  private PeImage(int checksumOffset, int machine, int subsystem) {
    this.checksumOffset = checksumOffset;
    this.machine = machine;
    this.subsystem = subsystem;
  }

  /** Parses the headers; refuses anything that is not a PE/COFF image, naming {@code source}. */
  static PeImage parse(byte[] b, String source) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (b.length < 0x40 || b[0] != 'M' || b[1] != 'Z') {
      throw new InvalidInputException(source, "not a PE/COFF EFI application (no MZ header; "
          + b.length + " bytes); expected an iPXE EFI binary such as ipxe-amd64.efi");
    }
    long peOffset = buf.getInt(0x3c) & 0xffffffffL;
    if (peOffset + 24 > b.length || b[(int) peOffset] != 'P' || b[(int) peOffset + 1] != 'E'
        || b[(int) peOffset + 2] != 0 || b[(int) peOffset + 3] != 0) {
      throw new InvalidInputException(source, "not a PE/COFF EFI application (MZ header without a "
          + "PE signature); expected an iPXE EFI binary such as ipxe-amd64.efi");
    }
    int pe = (int) peOffset;
    int machine = buf.getShort(pe + 4) & 0xffff;
    int optSize = buf.getShort(pe + 20) & 0xffff;
    int opt = pe + 24;
    if (optSize < 72 || opt + optSize > b.length) {
      throw new InvalidInputException(source, "truncated PE optional header; not an EFI application");
    }
    int magic = buf.getShort(opt) & 0xffff;
    if (magic != PE32_PLUS && magic != PE32) {
      throw new InvalidInputException(source, "unknown PE optional header magic 0x"
          + Integer.toHexString(magic) + "; not an EFI application");
    }
    int subsystem = buf.getShort(opt + 68) & 0xffff;
    return new PeImage(opt + 64, machine, subsystem);
  }

  long storedChecksum(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(checksumOffset) & 0xffffffffL;
  }

  /** The PE image checksum (as IMAGEHLP computes it): 16-bit one's-complement-style sum + length. */
  static long checksum(byte[] b, int checksumOffset) {
    long sum = 0;
    int n = b.length & ~1;
    for (int i = 0; i < n; i += 2) {
      if (i == checksumOffset || i == checksumOffset + 2) {
        continue;
      }
      sum += (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    if ((b.length & 1) != 0) {
      sum += b[b.length - 1] & 0xff;
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    sum = (sum & 0xffff) + (sum >>> 16);
    return (sum + b.length) & 0xffffffffL;
  }

  void writeChecksum(byte[] b, long value) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(checksumOffset, (int) value);
  }

  /** The iPXE version the binary declares (SBAT entry first, then the product version string). */
  static Optional<String> ipxeVersion(byte[] b) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    Matcher m = SBAT_VERSION.matcher(text);
    if (m.find()) {
      return Optional.of(m.group(1));
    }
    m = PRODUCT_VERSION.matcher(text);
    if (m.find()) {
      return Optional.of(m.group(1));
    }
    return Optional.empty();
  }

  /** Major and minor of a version such as {@code 2.0.0+dfsg-5} or {@code 1.21.1+ (g4e456)}. */
  static int[] majorMinor(String version) {
    Matcher m = MAJOR_MINOR.matcher(version);
    if (!m.matches()) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Every offset at which {@code needle} occurs (overlapping matches counted). */
  static java.util.List<Integer> find(byte[] hay, byte[] needle) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      if (hay[i] != needle[0]) {
        continue;
      }
      for (int k = 1; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      out.add(i);
    }
    return out;
  }
}
