package nettboot.core.talos;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import nettboot.core.error.InvalidInputException;

/**
 * Per-boot capability tokens for the config listener: 256 random bits, base64url without padding
 * (safe in a URL query, a kernel command line and an iPXE script). The store keeps only the SHA-256.
 */
public final class ConfigToken {
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private final SecureRandom random;

  public ConfigToken(SecureRandom random) {
    this.random = random;
  }

  /** A fresh token. Never log it. */
  public String mint() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The stored form; refuses anything that is not a token's shape (field "token"). */
  public static String hash(String token) {
    if (token == null || !SHAPE.matcher(token).matches()) {
      throw new InvalidInputException("token", "missing or malformed");
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
