package nettboot.core.fabric;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Addresses;

/**
 * An IPv6 prefix ({@code address/length}) parsed strictly: the address part goes through {@link
 * Addresses#requireIpv6} (so {@code 2001:db8:boot:strap::/64} is refused for its non-hex groups),
 * the length is 0-128 in decimal, and no host bits may be set below the length ({@code
 * 2001:db8::1/64} is refused: it is an address, not a prefix). The text form is canonical (RFC
 * 5952).
 */
public final class Ipv6Prefix implements Comparable<Ipv6Prefix> {
  private final byte[] network;
  private final int length;

  private Ipv6Prefix(byte[] network, int length) {
    this.network = network;
    this.length = length;
  }

  /** Parses {@code address/length}; errors are InvalidInputException naming {@code field}. */
  public static Ipv6Prefix parse(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "missing; expected an IPv6 prefix such as 2001:db8:0:1::/64");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new InvalidInputException(field, "not an IPv6 prefix: \"" + shorten(text)
          + "\" has no /length (expected e.g. 2001:db8:0:1::/64)");
    }
    byte[] addr = Addresses.requireIpv6(field, text.substring(0, slash));
    String len = text.substring(slash + 1);
    if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')
        || (len.length() > 1 && len.charAt(0) == '0') || Integer.parseInt(len) > 128) {
      throw new InvalidInputException(field, "prefix length \"" + shorten(len)
          + "\" is not a number from 0 to 128");
    }
    int length = Integer.parseInt(len);
    byte[] masked = mask(addr, length);
    if (!Arrays.equals(masked, addr)) {
      throw new InvalidInputException(field, "\"" + shorten(text) + "\" has host bits set below /"
          + length + "; the prefix is " + Addresses.canonical(masked) + "/" + length);
    }
    return new Ipv6Prefix(masked, length);
  }

  /** The prefix of {@code length} bits that contains {@code address}. */
  public static Ipv6Prefix of(byte[] address, int length) {
    if (address.length != 16 || length < 0 || length > 128) {
      throw new IllegalArgumentException("16 address bytes and a length 0-128 expected");
    }
    return new Ipv6Prefix(mask(address, length), length);
  }

  public int length() {
    return length;
  }

  /** The network address (host bits zero). */
  public byte[] network() {
    return network.clone();
  }

  /** {@code network + offset} as an address inside this prefix. */
  public byte[] address(long offset) {
    BigInteger size = BigInteger.ONE.shiftLeft(128 - length);
    BigInteger off = BigInteger.valueOf(offset);
    if (offset < 0 || off.compareTo(size) >= 0) {
      throw new IllegalArgumentException("offset " + offset + " outside /" + length);
    }
    return toBytes(new BigInteger(1, network).add(off));
  }

  /** The canonical text of {@link #address(long)}. */
  public String addressText(long offset) {
    return Addresses.canonical(address(offset));
  }

  /** How many prefixes of {@code subLength} fit in this one (saturated at Long.MAX_VALUE). */
  public long count(int subLength) {
    if (subLength < length || subLength > 128) {
      throw new IllegalArgumentException("/" + subLength + " does not fit in /" + length);
    }
    int bits = subLength - length;
    return bits >= 63 ? Long.MAX_VALUE : 1L << bits;
  }

  /** The {@code index}-th sub-prefix of {@code subLength} bits (0-based). */
  public Ipv6Prefix subPrefix(int subLength, long index) {
    if (index < 0 || index >= count(subLength)) {
      throw new IllegalArgumentException("index " + index + " outside " + this + " for /" + subLength);
    }
    BigInteger base = new BigInteger(1, network)
        .add(BigInteger.valueOf(index).shiftLeft(128 - subLength));
    return new Ipv6Prefix(toBytes(base), subLength);
  }

  /** Position of {@code sub} among this prefix's sub-prefixes of its length. */
  public long indexOf(Ipv6Prefix sub) {
    if (!contains(sub)) {
      throw new IllegalArgumentException(sub + " is not inside " + this);
    }
    return new BigInteger(1, sub.network).subtract(new BigInteger(1, network))
        .shiftRight(128 - sub.length).longValueExact();
  }

  /** True when {@code other} lies entirely inside this prefix (or equals it). */
  public boolean contains(Ipv6Prefix other) {
    return other.length >= length && Arrays.equals(mask(other.network, length), network);
  }

  /** True when the address (16 bytes) lies inside this prefix. */
  public boolean contains(byte[] address) {
    return address.length == 16 && Arrays.equals(mask(address, length), network);
  }

  /** True when the two prefixes share at least one address. */
  public boolean overlaps(Ipv6Prefix other) {
    return contains(other) || other.contains(this);
  }

  /** Link-local unicast fe80::/10, multicast ff00::/8, loopback, unspecified or IPv4-mapped. */
  public boolean isSpecialPurpose() {
    int b0 = network[0] & 0xff;
    int b1 = network[1] & 0xff;
    boolean linkLocal = b0 == 0xfe && (b1 & 0xc0) == 0x80 && length >= 10;
    boolean multicast = b0 == 0xff && length >= 8;
    boolean v4mapped = length >= 96 && Arrays.equals(Arrays.copyOf(network, 12),
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff});
    boolean zero = Arrays.equals(network, new byte[16]) && length >= 127;
    return linkLocal || multicast || v4mapped || zero;
  }

  @Override
  public int compareTo(Ipv6Prefix o) {
    int c = Arrays.compareUnsigned(network, o.network);
    return c != 0 ? c : Integer.compare(length, o.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ipv6Prefix p && p.length == length && Arrays.equals(p.network, network);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(network), length);
  }

  /** Canonical text, e.g. {@code 2001:db8:0:1::/64}. */
  @Override
  public String toString() {
    return Addresses.canonical(network) + "/" + length;
  }

  private static byte[] mask(byte[] addr, int length) {
    byte[] out = addr.clone();
    for (int bit = length; bit < 128; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  private static byte[] toBytes(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[16];
    int n = Math.min(raw.length, 16);
    System.arraycopy(raw, raw.length - n, out, 16 - n, n);
    return out;
  }

  private static String shorten(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
