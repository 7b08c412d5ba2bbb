package nettboot.core.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM reading and writing for certificates and private keys. Errors are {@link
 * InvalidInputException}s whose field is the file (or source name) and whose message says what was
 * expected; they never contain key material.
 */
public final class Pem {
  /** Larger than any certificate chain or key this project handles. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private Pem() {}

  /** Every certificate in a PEM file, in file order; other PEM blocks are skipped. */
  public static List<X509Certificate> readCertificates(Path file) {
    return parseCertificates(read(file), file.toString());
  }

  /** Every certificate in PEM text, in order; {@code source} names the input in errors. */
  public static List<X509Certificate> parseCertificates(String pem, String source) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : objects(pem, source)) {
      if (o instanceof X509CertificateHolder holder) {
        try {
          out.add(converter.getCertificate(holder));
        } catch (CertificateException e) {
          throw new InvalidInputException(source, "certificate " + (out.size() + 1)
              + " cannot be decoded: " + e.getMessage());
        }
      }
    }
    if (out.isEmpty()) {
      throw new InvalidInputException(source, "no certificate found; expected PEM "
          + "'-----BEGIN CERTIFICATE-----' blocks");
    }
    return List.copyOf(out);
  }

  /** The single private key in a PEM file: PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY". */
  public static PrivateKey readPrivateKey(Path file) {
    return parsePrivateKey(read(file), file.toString());
  }

  /** The single private key in PEM text; {@code source} names the input in errors. */
  public static PrivateKey parsePrivateKey(String pem, String source) {
    PrivateKeyInfo found = null;
    for (Object o : objects(pem, source)) {
      PrivateKeyInfo info;
      if (o instanceof PrivateKeyInfo pki) {
        info = pki;
      } else if (o instanceof PEMKeyPair pair) {
        info = pair.getPrivateKeyInfo();
      } else if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
        throw new InvalidInputException(source, "the private key is encrypted; expected an "
            + "unencrypted PKCS#8 'PRIVATE KEY' or SEC1 'EC PRIVATE KEY'");
      } else {
        continue;
      }
      if (found != null) {
        throw new InvalidInputException(source, "more than one private key; expected exactly one");
      }
      found = info;
    }
    if (found == null) {
      throw new InvalidInputException(source, "no private key found; expected PEM "
          + "'-----BEGIN PRIVATE KEY-----' (PKCS#8) or '-----BEGIN EC PRIVATE KEY-----' (SEC1)");
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(found);
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(source, "the private key cannot be decoded (unsupported "
          + "algorithm or corrupt encoding)");
    }
  }

  /** Certificates as concatenated PEM "CERTIFICATE" blocks, in the given order. */
  public static String certificatesToPem(List<X509Certificate> certificates) {
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      for (X509Certificate c : certificates) {
        w.writeObject(new PemObject("CERTIFICATE", c.getEncoded()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
    return sw.toString();
  }

  /** A private key as a PEM PKCS#8 "PRIVATE KEY" block (unencrypted). */
  public static String privateKeyToPem(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
      throw new IllegalArgumentException("key has no PKCS#8 encoding (format " + key.getFormat() + ")");
    }
    StringWriter sw = new StringWriter();
    try (PemWriter w = new PemWriter(sw)) {
      w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  /** SHA-256 over the DER encoding: the fingerprint iPXE pins roots by. */
  public static byte[] sha256(X509Certificate certificate) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** SHA-256 fingerprint as lower-case hex without separators (64 characters). */
  public static String sha256Fingerprint(X509Certificate certificate) {
    return HexFormat.of().formatHex(sha256(certificate));
  }

  static String read(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InvalidInputException(file.toString(), "larger than " + MAX_FILE_BYTES
            + " bytes; expected a PEM file");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "file not found; expected a PEM file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new InvalidInputException(file.toString(), "not text; expected a PEM file");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + e.getMessage());
    }
  }

  private static List<Object> objects(String pem, String source) {
    List<Object> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        out.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(source, "not valid PEM (corrupt block or base64)");
    }
    return out;
  }
}
