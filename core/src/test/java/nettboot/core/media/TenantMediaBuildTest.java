package nettboot.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import nettboot.core.error.InvalidInputException;
import nettboot.core.pki.EmbeddedCa;
import nettboot.core.pki.Pem;
import nettboot.core.testsupport.TestAssets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantMediaBuildTest {
  @TempDir
  static Path shared;
  static EmbeddedCa ca;
  static MediaSpec amd64;

  @BeforeAll
  static void pki() {
    ca = Tools.pki(shared.resolve("pki"), "acme", "globex");
    amd64 = new MediaSpec("acme", "2001:db8:100::53", Arch.X86_64, TestAssets.ipxeEfi("amd64"));
  }

  static String expectedAutoexec(MediaSpec spec) {
    return AutoexecScript.render(spec, Pem.readCertificates(ca.tenantCertPath(spec.tenant())).get(0),
        Pem.readPrivateKey(ca.tenantKeyPath(spec.tenant())));
  }

  static byte[] expectedEfi(MediaSpec spec) throws Exception {
    return PinnedIpxe.pin(Files.readAllBytes(spec.ipxeEfi()), ca.rootCertificate(), spec.arch());
  }

  static long crc32(byte[] b, int off, int len) {
    java.util.zip.CRC32 c = new java.util.zip.CRC32();
    c.update(b, off, len);
    return c.getValue();
  }

  static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  /** Checks a FAT volume with fsck and reads the three files back with mtools. */
  static void assertFatHoldsTheMedium(String image, Path fsckCopy, MediaSpec spec, Path work) throws Exception {
    if (fsckCopy != null) {
      Tools.Result fsck = Tools.run(Files.isExecutable(Path.of("/usr/sbin/fsck.fat")) ? "/usr/sbin/fsck.fat" : "fsck.fat", "-n", "-v", fsckCopy.toString());
      assertThat(fsck.exit()).as("fsck.fat: " + fsck.out() + fsck.stderr()).isZero();
      assertThat(fsck.out()).contains("16 bit entries").contains("NETTBOOT");
    }
    String root = new String(Tools.ok("mdir", "-i", image, "-/", "-b", "::/"), StandardCharsets.UTF_8);
    assertThat(root.lines().map(String::strip).toList()).contains(
        "::/EFI/BOOT/" + spec.arch().bootFile(), "::/autoexec.ipxe", "::/ca.pem");
    assertThat(new String(Tools.ok("mtype", "-i", image, "::/autoexec.ipxe"), StandardCharsets.US_ASCII))
        .isEqualTo(expectedAutoexec(spec));
    assertThat(new String(Tools.ok("mtype", "-i", image, "::/ca.pem"), StandardCharsets.US_ASCII))
        .isEqualTo(Pem.certificatesToPem(List.of(ca.rootCertificate())));
    Path efi = work.resolve("boot-" + System.nanoTime() + ".efi");
    Tools.ok("mcopy", "-n", "-i", image, "::/EFI/BOOT/" + spec.arch().bootFile(), efi.toString());
    assertThat(Files.readAllBytes(efi)).isEqualTo(expectedEfi(spec));
    Files.delete(efi);
  }

  @Test
  void theUsbImageIsAGptDiskWhoseEspHoldsTheThreeFiles(@TempDir Path tmp) throws Exception {
    long t0 = System.nanoTime();
    BuiltMedia m = TenantMedia.build(ca, amd64, tmp.resolve("out"));
    System.out.printf("media build (amd64, img + iso): %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    assertThat(m.usbImage()).isEqualTo(tmp.resolve("out/acme.img"));
    assertThat(m.iso()).isEqualTo(tmp.resolve("out/acme.iso"));
    assertThat(m.rootFingerprint()).isEqualTo(ca.rootFingerprint());
    try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme.img", "acme.iso");
    }
    for (Path p : List.of(m.usbImage(), m.iso())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString()).isEqualTo("rw-------");
    }

    byte[] disk = Files.readAllBytes(m.usbImage());
    ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(disk[446 + 4] & 0xff).as("protective MBR").isEqualTo(0xee);
    assertThat(new String(disk, 512, 8, StandardCharsets.US_ASCII)).isEqualTo("EFI PART");
    long lastLba = disk.length / 512 - 1;
    assertThat(new String(disk, (int) (lastLba * 512), 8, StandardCharsets.US_ASCII)).as("backup header").isEqualTo("EFI PART");
    for (long lba : new long[] {1, lastLba}) {
      int h = (int) (lba * 512);
      ByteBuffer hb = ByteBuffer.wrap(disk, h, 92).slice().order(ByteOrder.LITTLE_ENDIAN);
      byte[] header = Arrays.copyOfRange(disk, h, h + 92);
      Arrays.fill(header, 16, 20, (byte) 0);
      assertThat(hb.getInt(16)).as("header CRC at LBA " + lba).isEqualTo((int) crc32(header, 0, 92));
      assertThat(hb.getLong(24)).isEqualTo(lba);
      assertThat(hb.getLong(32)).isEqualTo(lba == 1 ? lastLba : 1);
      int arrayAt = (int) (hb.getLong(72) * 512);
      assertThat(hb.getInt(88)).as("partition array CRC").isEqualTo((int) crc32(disk, arrayAt, 128 * 128));
      assertThat(hb.getLong(40)).as("first usable LBA").isEqualTo(34);
      assertThat(hb.getLong(48)).as("last usable LBA").isEqualTo(lastLba - 33);
    }
    byte[] type = Arrays.copyOfRange(disk, 1024, 1040);
    byte[] esptype = new byte[16];
    GptDisk.putGuid(esptype, 0, java.util.UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"));
    assertThat(HexFormat.of().formatHex(type)).as("EFI system partition type")
        .isEqualTo("28732ac11ff8d211ba4b00a0c93ec93b");
    assertThat(type).isEqualTo(esptype);
    assertThat(b.getLong(1024 + 32)).isEqualTo(2048);
    long espStart = b.getLong(1024 + 32);
    long espEnd = b.getLong(1024 + 40);
    Path esp = tmp.resolve("esp.img");
    Files.write(esp, Arrays.copyOfRange(disk, (int) (espStart * 512), (int) ((espEnd + 1) * 512)));

    assertFatHoldsTheMedium(m.usbImage() + "@@" + espStart * 512, esp, amd64, tmp);
  }

  @Test
  void theIsoBootsTheSameFilesThroughItsElToritoEfiImage(@TempDir Path tmp) throws Exception {
    BuiltMedia m = TenantMedia.build(ca, amd64, tmp.resolve("out"));
    Tools.Result r = Tools.run("xorriso", "-indev", m.iso().toString(), "-report_el_torito", "plain");
    String report = r.out() + r.stderr();
    assertThat(r.exit()).as(report).isZero();
    Matcher img = Pattern.compile("El Torito boot img :\\s+1\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+(\\d+)")
        .matcher(report);
    assertThat(img.find()).as(report).isTrue();
    assertThat(img.group(1)).as("platform").isEqualTo("UEFI");
    assertThat(img.group(2)).as("bootable").isEqualTo("y");
    assertThat(img.group(3)).as("emulation").isEqualTo("none");
    assertThat(report).doesNotContain("El Torito boot img :   2");
    long lba = Long.parseLong(img.group(5));

    // the catalog's LBA (2 KiB blocks) leads to a FAT volume holding the medium
    byte[] iso = Files.readAllBytes(m.iso());
    int off = (int) (lba * 2048);
    int sectors = ByteBuffer.wrap(iso, off + 19, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    Path fat = tmp.resolve("eltorito.img");
    Files.write(fat, Arrays.copyOfRange(iso, off, off + sectors * 512));
    assertFatHoldsTheMedium(fat.toString(), fat, amd64, tmp);
  }

  @Test
  void anArm64MediumCarriesBootaa64(@TempDir Path tmp) throws Exception {
    MediaSpec arm = new MediaSpec("globex", "fd00::1", 8443, Arch.ARM64, TestAssets.ipxeEfi("arm64"));
    BuiltMedia m = TenantMedia.build(ca, arm, tmp);
    assertFatHoldsTheMedium(m.usbImage() + "@@1M", null, arm, tmp);
    assertThat(new String(Tools.ok("mtype", "-i", m.usbImage() + "@@1M", "::/autoexec.ipxe"), StandardCharsets.US_ASCII))
        .contains("https://[${server}]:8443/v1/boot/${id}").contains("set server fd00::1");
  }

  @Test
  void theSameInputsGiveTheSameBytes(@TempDir Path tmp) throws Exception {
    BuiltMedia a = TenantMedia.build(ca, amd64, tmp.resolve("a"));
    Thread.sleep(1100); // a clock leaking into the media would show
    BuiltMedia b = TenantMedia.build(ca, amd64, tmp.resolve("b"));
    assertThat(sha256(a.usbImage())).isEqualTo(sha256(b.usbImage()));
    assertThat(sha256(a.iso())).isEqualTo(sha256(b.iso()));

    BuiltMedia other = TenantMedia.build(ca,
        new MediaSpec("globex", "2001:db8:100::53", Arch.X86_64, amd64.ipxeEfi()), tmp.resolve("c"));
    assertThat(sha256(other.usbImage())).isNotEqualTo(sha256(a.usbImage()));
    assertThat(sha256(other.iso())).isNotEqualTo(sha256(a.iso()));
  }

  @Test
  void rebuildingReplacesTheMediaInPlace(@TempDir Path tmp) throws Exception {
    BuiltMedia first = TenantMedia.build(ca, amd64, tmp);
    String before = sha256(first.usbImage());
    BuiltMedia again = TenantMedia.build(ca, new MediaSpec("acme", "2001:db8:100::54", Arch.X86_64, amd64.ipxeEfi()), tmp);
    assertThat(sha256(again.usbImage())).isNotEqualTo(before);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("acme.img", "acme.iso");
    }
  }

  @Test
  void aFailureLeavesNothingBehind(@TempDir Path tmp) throws Exception {
    // the ISO's final rename fails (a non-empty directory is in the way) after the image moved
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("acme.iso/keep"));
    assertThatThrownBy(() -> TenantMedia.build(ca, amd64, out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(out + ": cannot write the media");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("acme.iso");
    }
  }

  @Test
  void badInputIsRefusedNamingItAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);

    assertThatThrownBy(() -> TenantMedia.build(ca, new MediaSpec("nobody", "2001:db8::1", Arch.X86_64, amd64.ipxeEfi()), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("tenant: tenant nobody has no certificate in " + ca.dir())
        .hasMessageContaining("pki tenant");

    assertThatThrownBy(() -> TenantMedia.build(ca, new MediaSpec("acme", "2001:db8::1", Arch.ARM64, amd64.ipxeEfi()), out))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(amd64.ipxeEfi() + ": is an EFI binary for x86_64");

    Path missing = tmp.resolve("missing.efi");
    assertThatThrownBy(() -> TenantMedia.build(ca, new MediaSpec("acme", "2001:db8::1", Arch.X86_64, missing), out))
        .hasMessageStartingWith(missing + ": not found");

    Path text = Files.writeString(tmp.resolve("ipxe.efi"), "not a binary");
    assertThatThrownBy(() -> TenantMedia.build(ca, new MediaSpec("acme", "2001:db8::1", Arch.X86_64, text), out))
        .hasMessageStartingWith(text + ": not a PE/COFF EFI application");

    try (Stream<Path> s = Files.list(out)) {
      assertThat(s).isEmpty();
    }

    // an output "directory" below a regular file cannot be created
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path unwritable = file.resolve("media");
    assertThatThrownBy(() -> TenantMedia.build(ca, amd64, unwritable))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(unwritable + ": cannot write the media here");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void anIpxeBinaryTooLargeForTheBootVolumeIsInvalidInputNamingIt(@TempDir Path tmp) throws Exception {
    // a genuine iPXE binary with 31 MiB appended: it passes the binary checks, but the ISO's FAT
    // boot image would exceed what an El Torito entry can describe (65535 sectors of 512 bytes)
    byte[] ipxe = Files.readAllBytes(amd64.ipxeEfi());
    Path big = tmp.resolve("big.efi");
    Files.write(big, Arrays.copyOf(ipxe, ipxe.length + (31 << 20)));
    Path out = Files.createDirectories(tmp.resolve("out"));
    assertThatThrownBy(() -> TenantMedia.build(ca, new MediaSpec("acme", "2001:db8::1", Arch.X86_64, big), out))
        .isInstanceOf(InvalidInputException.class)
        .hasFieldOrPropertyWithValue("field", "ipxeEfi")
        .hasMessageContaining(big + " is " + Files.size(big) + " bytes")
        .hasMessageContaining("does not fit the ISO's FAT boot image, which El Torito limits to 33553920 bytes");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s).isEmpty();
    }
  }
}
