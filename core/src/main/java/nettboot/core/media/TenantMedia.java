package nettboot.core.media;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import nettboot.core.error.InvalidInputException;
import nettboot.core.error.UnavailableException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Tenant boot media from a prebuilt iPXE &ge; 2.0 EFI binary, without a compiler (DESIGN 2):
 *
 * <ol>
 *   <li>the binary's built-in trust root (the iPXE root CA's SHA-256 fingerprint, present exactly
 *       once) is replaced by the SHA-256 of the platform root CA, so iPXE trusts only that CA;
 *   <li>{@code autoexec.ipxe}, which iPXE runs from the filesystem it was loaded from, drops any
 *       firmware-injected CA ({@code certfree}), loads the tenant's client certificate and key
 *       ({@code set cert}/{@code set privkey}, DER hex), adds the root ({@code certstore
 *       file:ca.pem}), takes an address from the Router Advertisement ({@code ifconf -c ipv6} in
 *       a retry loop) and chains {@code https://[server]/v1/boot/<id>}; on any failure it returns
 *       to the firmware with {@code exit 1} so the next boot entry (the disk) runs;
 *   <li>both go, with {@code ca.pem}, on a FAT filesystem: the EFI system partition of a GPT USB
 *       disk image, and the El Torito EFI boot image of an ISO.
 * </ol>
 *
 * The media carry the tenant's private key: they are bearer credentials. They are written 0600,
 * atomically, and are byte-for-byte reproducible from the same inputs.
 */
public final class TenantMedia {
  /** SHA-256 of the iPXE project's root CA, which stock iPXE binaries trust. */
  public static final String IPXE_ROOT_FINGERPRINT =
      "9faf717b7f8ca2f93c256c79f8ac5591895d66d1ff3bee6397a70d29c65eed1a";
  public static final String AUTOEXEC = "autoexec.ipxe";
  public static final String CA_PEM = "ca.pem";
  /** Attempts at an address from a Router Advertisement, {@link #IFCONF_SLEEP_SECONDS} apart. */
  public static final int IFCONF_TRIES = 5;
  public static final int IFCONF_SLEEP_SECONDS = 2;
  /** iPXE's inactivity timeout for the boot request, in milliseconds. */
  public static final int CHAIN_TIMEOUT_MS = 5000;
  /** Every timestamp on the media: 1980-01-01T00:00:00Z, the earliest FAT can record. */
  public static final long EPOCH_SECONDS = 315532800L;
  static final String VOLUME_LABEL = "NETTBOOT";
  static final long USB_ESP_BYTES = 8L << 20;
  static final long ISO_BOOT_IMAGE_BYTES = 4L << 20;
  static final long MAX_EFI_BYTES = 64L << 20;
  private static final long XORRISO_TIMEOUT_SECONDS = 60;
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final HexFormat HEX = HexFormat.of();

  private TenantMedia() {}

  /**
   * Writes {@code outDir/<tenant>.img} and {@code outDir/<tenant>.iso} (0600, atomically: on any
   * failure neither is left half-written and no temporary file remains).
   *
   * @throws InvalidInputException naming the input: a tenant without a certificate, a key that
   *     does not match it, a bad iPXE binary, an output directory that cannot be written
   * @throws UnavailableException when xorriso is missing or fails
   */
  public static BuiltMedia build(EmbeddedCa ca, MediaSpec spec, Path outDir) {
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(outDir, "outDir");
    X509Certificate root = ca.rootCertificate();
    Path certPath = ca.tenantCertPath(spec.tenant());
    Path keyPath = ca.tenantKeyPath(spec.tenant());
    for (Path p : List.of(certPath, keyPath)) {
      if (!Files.isRegularFile(p)) {
        throw new InvalidInputException("tenant", "tenant " + spec.tenant() + " has no certificate in "
            + ca.dir() + " (" + p + " is missing); issue one with 'pki tenant --dir " + ca.dir()
            + " --tenant " + spec.tenant() + "'");
      }
    }
    X509Certificate cert = Pem.readCertificates(certPath).get(0);
    try {
      cert.verify(root.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(certPath.toString(), "not issued by the platform root CA "
          + ca.rootCertPath() + "; iPXE would not find a chain to the pinned root");
    }
    PrivateKey key = Pem.readPrivateKey(keyPath);
    byte[] efi = readEfi(spec.ipxeEfi());
    byte[] pinned = pinnedIpxe(efi, root, spec.arch(), spec.ipxeEfi().toString());
    String script = autoexec(spec, cert, key, keyPath.toString());

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("EFI/BOOT/" + spec.arch().bootFile(), pinned);
    files.put(AUTOEXEC, script.getBytes(StandardCharsets.US_ASCII));
    files.put(CA_PEM, Pem.certificatesToPem(List.of(root)).getBytes(StandardCharsets.US_ASCII));

    // identifiers derive from the content: reproducible, yet distinct per tenant and binary
    MessageDigest md = sha256();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      md.update(e.getKey().getBytes(StandardCharsets.US_ASCII));
      md.update((byte) 0);
      md.update(e.getValue());
    }
    byte[] seed = md.digest();
    ByteBuffer sb = ByteBuffer.wrap(seed);
    int serial = sb.getInt(0);
    UUID diskGuid = randomLike(sb.getLong(4), sb.getLong(12));
    UUID partGuid = randomLike(sb.getLong(16), sb.getLong(24));

    byte[] esp = FatImage.build(files, USB_ESP_BYTES, GptDisk.PARTITION_START, serial, VOLUME_LABEL);
    byte[] usb = GptDisk.build(esp, diskGuid, partGuid, "EFI system partition");
    byte[] bootImage = FatImage.build(files, ISO_BOOT_IMAGE_BYTES, 0, serial, VOLUME_LABEL);
    Arrays.fill(esp, (byte) 0);

    Path usbTarget = outDir.resolve(spec.tenant() + ".img");
    Path isoTarget = outDir.resolve(spec.tenant() + ".iso");
    Path tmp = createWorkDir(outDir, spec.tenant());
    boolean usbMoved = false;
    try {
      Path isoRoot = Files.createDirectory(tmp.resolve("iso-root"),
          PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Path bootImagePath = isoRoot.resolve("efi.img");
      writePrivate(bootImagePath, bootImage);
      Arrays.fill(bootImage, (byte) 0);
      Files.setLastModifiedTime(bootImagePath, FileTime.from(EPOCH_SECONDS, TimeUnit.SECONDS));
      Files.setLastModifiedTime(isoRoot, FileTime.from(EPOCH_SECONDS, TimeUnit.SECONDS));
      Path isoTmp = tmp.resolve(spec.tenant() + ".iso");
      writePrivate(isoTmp, new byte[0]); // xorriso writes into a file that is 0600 already
      xorriso(isoRoot, isoTmp);
      Files.setPosixFilePermissions(isoTmp, PRIVATE);
      fsync(isoTmp);
      Path usbTmp = tmp.resolve(spec.tenant() + ".img");
      writePrivate(usbTmp, usb);
      Arrays.fill(usb, (byte) 0);

      Files.move(usbTmp, usbTarget, StandardCopyOption.ATOMIC_MOVE);
      usbMoved = true;
      Files.move(isoTmp, isoTarget, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(outDir);
      return new BuiltMedia(usbTarget, isoTarget, Pem.sha256Fingerprint(root));
    } catch (IOException e) {
      if (usbMoved) {
        deleteQuietly(usbTarget);
      }
      throw new InvalidInputException(outDir.toString(), "cannot write the media: " + describe(e));
    } catch (RuntimeException e) {
      if (usbMoved) {
        deleteQuietly(usbTarget);
      }
      throw e;
    } finally {
      deleteTree(tmp);
    }
  }

  /**
   * The {@code autoexec.ipxe} for a tenant: pure (no I/O), byte-for-byte reproducible. The
   * private key is written as PKCS#8 DER including its public key (iPXE cannot use an EC key
   * without it).
   *
   * @throws InvalidInputException when the key does not belong to the certificate
   */
  public static String autoexec(MediaSpec spec, X509Certificate tenantCert, PrivateKey tenantKey) {
    return autoexec(spec, tenantCert, tenantKey, "tenantKey");
  }

  static String autoexec(MediaSpec spec, X509Certificate tenantCert, PrivateKey tenantKey, String keySource) {
    Objects.requireNonNull(spec, "spec");
    byte[] certDer;
    try {
      certDer = tenantCert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new InvalidInputException("tenantCert", "cannot be encoded: " + e.getMessage());
    }
    byte[] keyDer = pkcs8WithPublicKey(tenantKey, tenantCert, keySource);
    String server = spec.metadataServer();
    String authority = "[${server}]" + (spec.port() == MediaSpec.DEFAULT_PORT ? "" : ":" + spec.port());
    String shown = "[" + server + "]" + (spec.port() == MediaSpec.DEFAULT_PORT ? "" : ":" + spec.port());
    String mac = "${net0/mac:hexhyp}";
    StringBuilder s = new StringBuilder();
    s.append("#!ipxe\n");
    s.append("# nett-boot tenant medium for tenant ").append(spec.tenant())
        .append(", metadata server ").append(shown).append('\n');
    s.append("# It holds the tenant's private key: whoever has this medium can boot as the tenant.\n");
    s.append("echo nett-boot: tenant ").append(spec.tenant()).append(" medium, metadata server ")
        .append(shown).append('\n');
    s.append("# trust only what this medium brings: no CA injected by the firmware\n");
    s.append("certfree\n");
    s.append("set cert ").append(HEX.formatHex(certDer)).append('\n');
    s.append("set privkey ").append(HEX.formatHex(keyDer)).append('\n');
    s.append("certstore file:").append(CA_PEM).append('\n');
    s.append("set server ").append(server).append('\n');
    s.append("# an address from the Router Advertisement only (SLAAC; no DHCP, no IPv4)\n");
    s.append("set tries:int32 0\n");
    s.append(":ifconf\n");
    s.append("inc tries\n");
    s.append("echo nett-boot: IPv6 autoconfiguration, attempt ${tries} of ").append(IFCONF_TRIES).append('\n');
    s.append("ifconf -c ipv6 && goto online ||\n");
    s.append("iseq ${tries} ").append(IFCONF_TRIES).append(" && goto noaddress ||\n");
    s.append("sleep ").append(IFCONF_SLEEP_SECONDS).append('\n');
    s.append("goto ifconf\n");
    s.append(":noaddress\n");
    s.append("echo nett-boot: no IPv6 address after ").append(IFCONF_TRIES)
        .append(" attempts; booting the local disk\n");
    s.append("goto localboot\n");
    s.append(":online\n");
    s.append("# machine id: the SMBIOS UUID, or the MAC when the firmware has no real UUID\n");
    s.append("set id ${uuid}\n");
    s.append("iseq ${id} 00000000-0000-0000-0000-000000000000 && clear id ||\n");
    s.append("iseq ${id} ffffffff-ffff-ffff-ffff-ffffffffffff && clear id ||\n");
    s.append("iseq ${id} FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF && clear id ||\n");
    s.append("isset ${id} || set id ").append(mac).append('\n');
    s.append("echo nett-boot: asking https://").append(shown).append("/v1/boot/${id}\n");
    s.append("chain --timeout ").append(CHAIN_TIMEOUT_MS).append(" https://").append(authority)
        .append("/v1/boot/${id} || goto localboot\n");
    s.append(":localboot\n");
    s.append("echo nett-boot: booting the local disk\n");
    s.append("# status 1, never 0: the firmware then moves on to the next boot entry\n");
    s.append("exit 1\n");
    return s.toString();
  }

  /** {@link #pinnedIpxe(byte[], X509Certificate, Arch, String)} naming the input "ipxeEfi". */
  public static byte[] pinnedIpxe(byte[] efi, X509Certificate root, Arch expected) {
    return pinnedIpxe(efi, root, expected, "ipxeEfi");
  }

  /**
   * A copy of an iPXE EFI binary that trusts {@code root} instead of the iPXE root CA.
   *
   * @param source names the binary in errors (its path)
   * @throws InvalidInputException when the binary is not a PE/COFF EFI application of {@code
   *     expected}, not iPXE &ge; 2.0, or holds the iPXE root fingerprint other than exactly once
   */
  public static byte[] pinnedIpxe(byte[] efi, X509Certificate root, Arch expected, String source) {
    Objects.requireNonNull(efi, "efi");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(expected, "expected");
    PeImage pe = PeImage.parse(efi, source);
    if (pe.machine != expected.peMachine()) {
      throw new InvalidInputException(source, "is an EFI binary for " + Arch.describeMachine(pe.machine)
          + ", not for " + Arch.describeMachine(expected.peMachine()) + "; pass the iPXE binary for "
          + expected.cliName() + " (ipxe-" + expected.debianName() + ".efi)");
    }
    if (pe.subsystem != PeImage.EFI_APPLICATION) {
      throw new InvalidInputException(source, "is a PE image of subsystem " + pe.subsystem
          + ", not an EFI application (10)");
    }
    String version = PeImage.ipxeVersion(efi).orElseThrow(() -> new InvalidInputException(source,
        "no iPXE version string found; expected an iPXE 2.0 or later EFI binary"));
    int[] mm = PeImage.majorMinor(version);
    if (mm == null || mm[0] < 2) {
      throw new InvalidInputException(source, "is iPXE " + version + "; iPXE 2.0 or later is "
          + "required (earlier versions lack the commands and TLS support the medium relies on)");
    }
    byte[] old = HEX.parseHex(IPXE_ROOT_FINGERPRINT);
    byte[] fresh = Pem.sha256(root);
    List<Integer> at = PeImage.find(efi, old);
    if (at.size() != 1) {
      String hint = at.isEmpty() && PeImage.find(efi, fresh).size() == 1
          ? " (it is already pinned to this platform CA: pass the original binary)"
          : at.isEmpty() ? " (built with TRUST=? use a binary with iPXE's default trust list)" : "";
      throw new InvalidInputException(source, "holds the iPXE root CA fingerprint " + at.size()
          + " times; exactly 1 is required to pin the platform CA" + hint);
    }
    byte[] out = efi.clone();
    System.arraycopy(fresh, 0, out, at.get(0), fresh.length);
    if (pe.storedChecksum(efi) != 0) {
      pe.writeChecksum(out, PeImage.checksum(out, pe.checksumOffset));
    }
    return out;
  }

  /**
   * The key as PKCS#8 DER with the public key inside (for EC keys the SEC1 structure's {@code
   * [1] publicKey}, derived from the private scalar and checked against the certificate).
   */
  static byte[] pkcs8WithPublicKey(PrivateKey key, X509Certificate cert, String source) {
    Objects.requireNonNull(key, "key");
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
      AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
      SubjectPublicKeyInfo certKey = SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded());
      if (alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        if (!(alg.getParameters() instanceof ASN1ObjectIdentifier curve)) {
          throw new InvalidInputException(source, "EC key without a named curve; expected P-256 or P-384");
        }
        X9ECParameters params = ECNamedCurveTable.getByOID(curve);
        if (params == null) {
          throw new InvalidInputException(source, "EC key on an unknown curve " + curve.getId());
        }
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        ECPoint q = params.getG().multiply(d).normalize();
        ECPoint certPoint = params.getCurve().decodePoint(certKey.getPublicKeyData().getBytes());
        if (!certKey.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
            || !q.equals(certPoint)) {
          throw new InvalidInputException(source, "the private key does not belong to the tenant certificate");
        }
        ECPrivateKey sec1 = new ECPrivateKey(params.getN().bitLength(), d,
            new DERBitString(q.getEncoded(false)), null);
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1)
            .getEncoded(ASN1Encoding.DER);
      }
      if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
        RSAPrivateKey rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.pkcs.RSAPublicKey pub =
            org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(certKey.parsePublicKey());
        if (!rsa.getModulus().equals(pub.getModulus())) {
          throw new InvalidInputException(source, "the private key does not belong to the tenant certificate");
        }
        return info.getEncoded(ASN1Encoding.DER); // an RSA private key always carries its modulus
      }
      throw new InvalidInputException(source, "unsupported key algorithm " + alg.getAlgorithm().getId()
          + "; expected an EC (P-256) or RSA key");
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException iie) {
        throw iie;
      }
      throw new InvalidInputException(source, "the private key cannot be re-encoded as PKCS#8");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] readEfi(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        throw new InvalidInputException(file.toString(), "not found (or not a regular file); expected an "
            + "iPXE EFI binary such as ipxe-amd64.efi");
      }
      if (Files.size(file) > MAX_EFI_BYTES) {
        throw new InvalidInputException(file.toString(), "larger than " + MAX_EFI_BYTES
            + " bytes; not an iPXE EFI binary");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes((int) MAX_EFI_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file.toString(), "not found; expected an iPXE EFI binary");
    } catch (IOException e) {
      throw new InvalidInputException(file.toString(), "cannot be read: " + describe(e));
    }
  }

  private static Path createWorkDir(Path outDir, String tenant) {
    try {
      Files.createDirectories(outDir);
      return Files.createTempDirectory(outDir, "." + tenant + "-media-",
          PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    } catch (IOException e) {
      throw new InvalidInputException(outDir.toString(), "cannot write the media here: " + describe(e));
    }
  }

  /** Creates {@code file} 0600 (never readable by others, not even briefly) and syncs it. */
  private static void writePrivate(Path file, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PRIVATE))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.setPosixFilePermissions(file, PRIVATE); // whatever the umask was
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can sync a directory; the renames are atomic regardless
    }
  }

  /**
   * Runs xorriso: an ISO 9660 image whose El Torito catalog has one no-emulation entry for the
   * UEFI platform pointing at {@code efi.img}; every date is {@link #EPOCH_SECONDS}.
   */
  private static void xorriso(Path isoRoot, Path iso) {
    String date = "1980010100000000";
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec xorriso \"$@\"", "xorriso",
        "-no_rc", "-as", "mkisofs", "-quiet", "-o", iso.toString(),
        "-V", VOLUME_LABEL, "-volset", VOLUME_LABEL, "-publisher", "nett-boot", "-sysid", "",
        "-appid", "nett-boot tenant medium",
        "-p", "nett-boot", "--modification-date=" + date,
        "-e", "efi.img", "-no-emul-boot", isoRoot.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> !k.equals("PATH"));
    pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(EPOCH_SECONDS));
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("TZ", "UTC");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UnavailableException("cannot run xorriso (" + describe(e) + "); install it: "
          + "scripts/bootstrap-debian", e);
    }
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(XORRISO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new UnavailableException("xorriso did not finish within " + XORRISO_TIMEOUT_SECONDS + " s", null);
      }
      if (p.exitValue() == 127) {
        throw new UnavailableException("xorriso not found; install it (scripts/bootstrap-debian "
            + "does, or apt-get install xorriso)", null);
      }
      if (p.exitValue() != 0) {
        String text = new String(out, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        throw new UnavailableException("xorriso failed (exit " + p.exitValue() + "): "
            + (text.length() > 300 ? text.substring(text.length() - 300) : text), null);
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new UnavailableException("xorriso failed: " + describe(e), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while running xorriso", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(TenantMedia::deleteQuietly);
    } catch (IOException e) {
      // best effort: the directory is 0700 and its name starts with a dot
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + " (" + fse.getFile() + ")";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static UUID randomLike(long msb, long lsb) {
    // shaped as a version-4 UUID, as partitioning tools make them
    msb = (msb & ~0xf000L) | 0x4000L;
    lsb = (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
