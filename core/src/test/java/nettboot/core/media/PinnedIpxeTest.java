package nettboot.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.Pem;
import nettboot.core.testsupport.TestAssets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PinnedIpxeTest {
  static final byte[] IPXE_ROOT = HexFormat.of().parseHex(PinnedIpxe.IPXE_ROOT_FINGERPRINT);
  @TempDir
  static Path tmp;
  static X509Certificate root;

  @BeforeAll
  static void pki() {
    root = Tools.pki(tmp.resolve("pki")).rootCertificate();
  }

  static byte[] debian(Arch arch) throws Exception {
    return Files.readAllBytes(TestAssets.ipxeEfi(arch.debianName()));
  }

  @ParameterizedTest
  @EnumSource(Arch.class)
  void debiansBinaryHoldsTheIpxeRootOnceAndIsPinnedToThePlatformRoot(Arch arch) throws Exception {
    byte[] efi = debian(arch);
    assertThat(PeImage.find(efi, IPXE_ROOT)).hasSize(1);
    assertThat(PeImage.ipxeVersion(efi)).hasValueSatisfying(v -> assertThat(v).startsWith("2."));

    byte[] pinned = PinnedIpxe.pin(efi, root, arch);

    assertThat(pinned).hasSameSizeAs(efi);
    assertThat(PeImage.find(pinned, IPXE_ROOT)).isEmpty();
    assertThat(PeImage.find(pinned, Pem.sha256(root))).containsExactly(PeImage.find(efi, IPXE_ROOT).get(0));
    int differing = 0;
    for (int i = 0; i < efi.length; i++) {
      differing += efi[i] != pinned[i] ? 1 : 0;
    }
    assertThat(differing).as("only the 32 fingerprint bytes change").isLessThanOrEqualTo(32);
    PeImage pe = PeImage.parse(pinned, "x");
    assertThat(pe.storedChecksum(pinned)).as("Debian ships checksum 0; it stays 0").isZero();
  }

  @Test
  void aNonZeroPeChecksumIsRecomputed() throws Exception {
    byte[] efi = debian(Arch.X86_64);
    PeImage pe = PeImage.parse(efi, "x");
    pe.writeChecksum(efi, PeImage.checksum(efi, pe.checksumOffset));
    long before = pe.storedChecksum(efi);
    assertThat(before).isNotZero();

    byte[] pinned = PinnedIpxe.pin(efi, root, Arch.X86_64);

    long after = pe.storedChecksum(pinned);
    assertThat(after).isEqualTo(PeImage.checksum(pinned, pe.checksumOffset)).isNotEqualTo(before);
  }

  @Test
  void peChecksumMatchesTheReferenceAlgorithmOnAKnownVector() {
    // 4 bytes: words 0x0201 and 0x0403, no checksum field in range -> 0x0604 + length 4
    byte[] b = {1, 2, 3, 4};
    assertThat(PeImage.checksum(b, 100)).isEqualTo(0x0604 + 4);
    // carries fold back in: 0xffff + 0x0002 = 0x10001 -> 0x0002
    assertThat(PeImage.checksum(new byte[] {(byte) 0xff, (byte) 0xff, 2, 0}, 100)).isEqualTo(0x0001 + 1 + 4);
  }

  @Test
  void theWrongArchitectureIsRefusedNamingWhatWasFound() throws Exception {
    byte[] efi = debian(Arch.X86_64);
    assertThatThrownBy(() -> PinnedIpxe.pin(efi, root, Arch.ARM64, "/x/ipxe-amd64.efi"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("/x/ipxe-amd64.efi")
        .hasMessageContaining("x86_64 (0x8664)")
        .hasMessageContaining("not for arm64 (0xAA64)");
    byte[] arm = debian(Arch.ARM64);
    assertThatThrownBy(() -> PinnedIpxe.pin(arm, root, Arch.X86_64))
        .hasMessageContaining("arm64 (0xAA64)");
    byte[] loong = synthetic(0x6264, "2.0.0", 1);
    assertThatThrownBy(() -> PinnedIpxe.pin(loong, root, Arch.X86_64))
        .hasMessageContaining("loongarch64 (0x6264)");
  }

  @Test
  void somethingThatIsNotPeIsRefused() {
    assertThatThrownBy(() -> PinnedIpxe.pin("#!ipxe\necho hi\n".getBytes(StandardCharsets.US_ASCII),
        root, Arch.X86_64, "script.ipxe"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("script.ipxe: not a PE/COFF EFI application");
    byte[] mzOnly = new byte[256];
    mzOnly[0] = 'M';
    mzOnly[1] = 'Z';
    mzOnly[0x3c] = (byte) 0x80;
    assertThatThrownBy(() -> PinnedIpxe.pin(mzOnly, root, Arch.X86_64))
        .hasMessageContaining("without a PE signature");
    byte[] notEfi = synthetic(0x8664, "2.0.0", 1);
    ByteBuffer.wrap(notEfi).order(ByteOrder.LITTLE_ENDIAN).putShort(0x80 + 24 + 68, (short) 3);
    assertThatThrownBy(() -> PinnedIpxe.pin(notEfi, root, Arch.X86_64))
        .hasMessageContaining("subsystem 3, not an EFI application");
  }

  @Test
  void zeroOrSeveralFingerprintsAreRefusedWithTheCount() {
    assertThat(PinnedIpxe.pin(synthetic(0x8664, "2.0.0", 1), root, Arch.X86_64)).isNotNull();
    assertThatThrownBy(() -> PinnedIpxe.pin(synthetic(0x8664, "2.0.0", 0), root, Arch.X86_64, "a.efi"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("a.efi: holds the iPXE root CA fingerprint 0 times; exactly 1 is required");
    assertThatThrownBy(() -> PinnedIpxe.pin(synthetic(0x8664, "2.0.0", 2), root, Arch.X86_64, "b.efi"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("b.efi: holds the iPXE root CA fingerprint 2 times");
  }

  @Test
  void anAlreadyPinnedBinaryIsRefusedWithAHint() throws Exception {
    byte[] pinned = PinnedIpxe.pin(debian(Arch.X86_64), root, Arch.X86_64);
    assertThatThrownBy(() -> PinnedIpxe.pin(pinned, root, Arch.X86_64))
        .hasMessageContaining("0 times")
        .hasMessageContaining("already pinned to this platform CA");
  }

  @Test
  void iPxeOlderThan2OrWithoutAVersionIsRefused() {
    assertThatThrownBy(() -> PinnedIpxe.pin(synthetic(0x8664, "1.21.1+dfsg1-4", 1), root, Arch.X86_64, "old.efi"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("old.efi: is iPXE 1.21.1+dfsg1-4; iPXE 2.0 or later is required");
    byte[] productVersionOnly = synthetic(0x8664, null, 1);
    byte[] pv = "iPXE\0\0\0\0\0\0\0\0001.21.1+ (g4e456)\0".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(pv, 0, productVersionOnly, 2048, pv.length);
    assertThatThrownBy(() -> PinnedIpxe.pin(productVersionOnly, root, Arch.X86_64))
        .hasMessageContaining("is iPXE 1.21.1+ (g4e456)");
    assertThatThrownBy(() -> PinnedIpxe.pin(synthetic(0x8664, null, 1), root, Arch.X86_64))
        .hasMessageContaining("no iPXE version string found");
  }

  /** A minimal PE32+ EFI application header with an SBAT line and {@code fingerprints} copies. */
  static byte[] synthetic(int machine, String version, int fingerprints) {
    byte[] b = new byte[8192];
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    b[0] = 'M';
    b[1] = 'Z';
    buf.putInt(0x3c, 0x80);
    b[0x80] = 'P';
    b[0x81] = 'E';
    buf.putShort(0x84, (short) machine);
    buf.putShort(0x80 + 20, (short) 240);
    buf.putShort(0x98, (short) 0x20b);
    buf.putShort(0x98 + 68, (short) 10);
    if (version != null) {
      byte[] sbat = ("sbat,1,SBAT Version,sbat,1,https://example.invalid\nipxe,1,iPXE,ipxe.efi,"
          + version + ",https://example.invalid\n").getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(sbat, 0, b, 6000, sbat.length);
    }
    for (int i = 0; i < fingerprints; i++) {
      System.arraycopy(IPXE_ROOT, 0, b, 3000 + 100 * i, 32);
    }
    return b;
  }
}
