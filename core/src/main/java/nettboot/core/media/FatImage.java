package nettboot.core.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deterministic FAT16 filesystem image (512-byte sectors) holding a few files in a few
 * directories: no clock, no randomness. Every timestamp is 1980-01-01 00:00:00 (the FAT epoch);
 * the volume serial is the caller's. Names that are not plain 8.3 get VFAT long-name entries.
 */
final class FatImage {
  static final int SECTOR = 512;
  private static final int RESERVED_SECTORS = 1;
  private static final int FATS = 2;
  private static final int ROOT_ENTRIES = 512;
  private static final int MIN_CLUSTERS = 4085;   // below: FAT12
  private static final int MAX_CLUSTERS = 65524;  // above: FAT32
  /** 1980-01-01: (year - 1980) << 9 | month << 5 | day. */
  private static final int FAT_DATE = (1 << 5) | 1;
  private static final int ATTR_DIRECTORY = 0x10;
  private static final int ATTR_ARCHIVE = 0x20;
  private static final int ATTR_VOLUME_ID = 0x08;
  private static final int ATTR_LFN = 0x0f;

  /** The files need more clusters than the volume has; the caller names the input at fault. */
  static final class VolumeFullException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    VolumeFullException() {
      super("files do not fit the FAT volume");
    }
  }

  private FatImage() {}

  /** A directory tree; insertion order is the on-disk order. */
  private static final class Dir {
    final Map<String, Object> children = new LinkedHashMap<>(); // name -> Dir or byte[]
    int cluster;
  }

  /**
   * Builds the image.
   *
   * @param files path ("EFI/BOOT/BOOTX64.EFI") to content, in order
   * @param minBytes the smallest image size; grown in whole MiB when the files need more room
   * @param maxBytes the largest image size the caller can use
   * @param hiddenSectors the LBA the volume starts at on its disk (0 for a bare image)
   * @throws VolumeFullException when the files need more than {@code maxBytes}
   */
  static byte[] build(Map<String, byte[]> files, long minBytes, long maxBytes, long hiddenSectors, int serial,
      String label) {
    Dir root = new Dir();
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String[] parts = e.getKey().split("/");
      Dir d = root;
      for (int i = 0; i < parts.length - 1; i++) {
        d = (Dir) d.children.computeIfAbsent(parts[i], k -> new Dir());
      }
      d.children.put(parts[parts.length - 1], e.getValue());
    }
    long needed = 0;
    for (byte[] f : files.values()) {
      needed += f.length + 4096;
    }
    long mib = 1 << 20;
    long size = Math.max(minBytes, ((needed + needed / 8 + mib) + mib - 1) / mib * mib);
    if (size > maxBytes) {
      throw new VolumeFullException();
    }
    int totalSectors = (int) (size / SECTOR);

    // sectors per cluster: the smallest power of two that keeps the cluster count within FAT16
    int spc = 1;
    int fatSectors;
    int clusters;
    int rootSectors = ROOT_ENTRIES * 32 / SECTOR;
    while (true) {
      fatSectors = 1;
      for (int i = 0; i < 8; i++) { // converges in two or three rounds
        clusters = (totalSectors - RESERVED_SECTORS - FATS * fatSectors - rootSectors) / spc;
        fatSectors = ((clusters + 2) * 2 + SECTOR - 1) / SECTOR;
      }
      clusters = (totalSectors - RESERVED_SECTORS - FATS * fatSectors - rootSectors) / spc;
      if (clusters <= MAX_CLUSTERS) {
        break;
      }
      spc *= 2;
    }
    if (clusters < MIN_CLUSTERS) {
      throw new IllegalArgumentException("FAT16 volume too small: " + clusters + " clusters");
    }
    int clusterBytes = spc * SECTOR;
    int dataStart = RESERVED_SECTORS + FATS * fatSectors + rootSectors;

    byte[] img = new byte[totalSectors * SECTOR];
    ByteBuffer buf = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    int[] fat = new int[clusters + 2];
    fat[0] = 0xfff8;
    fat[1] = 0xffff;
    int[] next = {2};

    // allocate directories first (one cluster each is plenty for these few entries), then files
    allocateDirs(root, fat, next);
    Map<byte[], Integer> fileCluster = new java.util.IdentityHashMap<>();
    allocateFiles(root, fat, next, clusterBytes, clusters, fileCluster);

    writeDir(buf, root, null, dataStart, spc, rootSectors, label, fileCluster);

    for (Map.Entry<byte[], Integer> e : fileCluster.entrySet()) {
      if (e.getKey().length > 0) {
        int off = (dataStart + (e.getValue() - 2) * spc) * SECTOR;
        System.arraycopy(e.getKey(), 0, img, off, e.getKey().length);
      }
    }

    // boot sector
    img[0] = (byte) 0xeb;
    img[1] = 0x3c;
    img[2] = (byte) 0x90;
    put(img, 3, "NETTBOOT", 8);
    buf.putShort(11, (short) SECTOR);
    img[13] = (byte) spc;
    buf.putShort(14, (short) RESERVED_SECTORS);
    img[16] = FATS;
    buf.putShort(17, (short) ROOT_ENTRIES);
    if (totalSectors < 0x10000) {
      buf.putShort(19, (short) totalSectors);
    } else {
      buf.putInt(32, totalSectors);
    }
    img[21] = (byte) 0xf8;
    buf.putShort(22, (short) fatSectors);
    buf.putShort(24, (short) 32);  // sectors per track (nominal)
    buf.putShort(26, (short) 64);  // heads (nominal)
    buf.putInt(28, (int) hiddenSectors);
    img[36] = (byte) 0x80;
    img[38] = 0x29;
    buf.putInt(39, serial);
    put(img, 43, label, 11);
    put(img, 54, "FAT16", 8);
    // boot code: "int 18h" (no OS here) so a legacy BIOS moves on; UEFI never runs it
    img[62] = (byte) 0xcd;
    img[63] = 0x18;
    img[510] = 0x55;
    img[511] = (byte) 0xaa;

    for (int f = 0; f < FATS; f++) {
      int base = (RESERVED_SECTORS + f * fatSectors) * SECTOR;
      for (int c = 0; c < fat.length; c++) {
        buf.putShort(base + 2 * c, (short) fat[c]);
      }
    }
    return img;
  }

  private static void allocateDirs(Dir d, int[] fat, int[] next) {
    for (Object o : d.children.values()) {
      if (o instanceof Dir sub) {
        sub.cluster = next[0]++;
        fat[sub.cluster] = 0xffff;
      }
    }
    for (Object o : d.children.values()) {
      if (o instanceof Dir sub) {
        allocateDirs(sub, fat, next);
      }
    }
  }

  private static void allocateFiles(Dir d, int[] fat, int[] next, int clusterBytes, int clusters,
      Map<byte[], Integer> out) {
    for (Object o : d.children.values()) {
      if (o instanceof byte[] data) {
        int n = (data.length + clusterBytes - 1) / clusterBytes;
        if (n == 0) {
          out.put(data, 0);
          continue;
        }
        if (next[0] + n > clusters + 2) {
          throw new VolumeFullException();
        }
        int first = next[0];
        for (int i = 0; i < n; i++) {
          fat[first + i] = i == n - 1 ? 0xffff : first + i + 1;
        }
        next[0] += n;
        out.put(data, first);
      } else {
        allocateFiles((Dir) o, fat, next, clusterBytes, clusters, out);
      }
    }
  }

  private static void writeDir(ByteBuffer buf, Dir d, Dir parent, int dataStart, int spc,
      int rootSectors, String label, Map<byte[], Integer> fileCluster) {
    List<byte[]> entries = new ArrayList<>();
    if (parent == null) {
      entries.add(shortEntry(pad11(label), ATTR_VOLUME_ID, 0, 0, 0));
    } else {
      entries.add(shortEntry(pad11("."), ATTR_DIRECTORY, d.cluster, 0, 0));
      entries.add(shortEntry(pad11(".."), ATTR_DIRECTORY, parent.cluster, 0, 0));
    }
    List<String> shortNames = new ArrayList<>();
    for (Map.Entry<String, Object> e : d.children.entrySet()) {
      String name = e.getKey();
      boolean dir = e.getValue() instanceof Dir;
      int cluster = dir ? ((Dir) e.getValue()).cluster : fileCluster.get((byte[]) e.getValue());
      int size = dir ? 0 : ((byte[]) e.getValue()).length;
      int attr = dir ? ATTR_DIRECTORY : ATTR_ARCHIVE;
      int caseFlags = plainCaseFlags(name);
      byte[] sn;
      if (caseFlags >= 0) {
        sn = shortName(name);
      } else {
        sn = aliasFor(name, shortNames);
        int sum = shortNameChecksum(sn);
        List<byte[]> lfn = longNameEntries(name, sum);
        entries.addAll(lfn);
        caseFlags = 0;
      }
      shortNames.add(new String(sn, StandardCharsets.US_ASCII));
      entries.add(shortEntry(sn, attr, cluster, size, caseFlags));
    }
    int capacity = parent == null ? rootSectors * SECTOR / 32 : spc * SECTOR / 32;
    if (entries.size() > capacity) {
      throw new IllegalArgumentException("too many directory entries");
    }
    int base = parent == null
        ? (dataStart - rootSectors) * SECTOR
        : (dataStart + (d.cluster - 2) * spc) * SECTOR;
    for (int i = 0; i < entries.size(); i++) {
      buf.put(base + 32 * i, entries.get(i));
    }
    for (Object o : d.children.values()) {
      if (o instanceof Dir sub) {
        writeDir(buf, sub, d, dataStart, spc, rootSectors, label, fileCluster);
      }
    }
  }

  /**
   * When {@code name} is a valid 8.3 name whose base and extension are each all upper or all lower
   * case, the NT case flags (0x08 lower base, 0x10 lower extension) that reproduce it; else -1.
   */
  static int plainCaseFlags(String name) {
    if (name.equals(".") || name.equals("..")) {
      return 0;
    }
    int dot = name.indexOf('.');
    String base = dot < 0 ? name : name.substring(0, dot);
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || ext.indexOf('.') >= 0) {
      return -1;
    }
    if (!(base + ext).chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return -1;
    }
    int flags = 0;
    for (String[] part : new String[][] {{base, "8"}, {ext, "16"}}) {
      String s = part[0];
      boolean lower = !s.equals(s.toUpperCase(Locale.ROOT));
      boolean upper = !s.equals(s.toLowerCase(Locale.ROOT));
      if (lower && upper) {
        return -1;
      }
      if (lower) {
        flags |= Integer.parseInt(part[1]);
      }
    }
    return flags;
  }

  private static byte[] shortName(String name) {
    int dot = name.indexOf('.');
    String base = dot < 0 ? name : name.substring(0, dot);
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    byte[] out = pad11("");
    byte[] b = base.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    byte[] x = ext.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, out, 0, b.length);
    System.arraycopy(x, 0, out, 8, x.length);
    return out;
  }

  /** A short alias such as {@code AUTOEX~1IPX} for a long name, unique within its directory. */
  private static byte[] aliasFor(String name, List<String> taken) {
    int dot = name.lastIndexOf('.');
    String base = clean(dot <= 0 ? name : name.substring(0, dot));
    String ext = clean(dot <= 0 ? "" : name.substring(dot + 1));
    if (ext.length() > 3) {
      ext = ext.substring(0, 3);
    }
    for (int n = 1; n < 100; n++) {
      String tail = "~" + n;
      String b = base.length() > 8 - tail.length() ? base.substring(0, 8 - tail.length()) : base;
      byte[] out = pad11("");
      byte[] bb = (b + tail).getBytes(StandardCharsets.US_ASCII);
      byte[] xb = ext.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(bb, 0, out, 0, bb.length);
      System.arraycopy(xb, 0, out, 8, xb.length);
      if (!taken.contains(new String(out, StandardCharsets.US_ASCII))) {
        return out;
      }
    }
    throw new IllegalArgumentException("too many similar names");
  }

  private static String clean(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toUpperCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        sb.append(c);
      } else if (c != ' ' && c != '.') {
        sb.append('_');
      }
    }
    return sb.length() == 0 ? "_" : sb.toString();
  }

  static int shortNameChecksum(byte[] sn) {
    int sum = 0;
    for (int i = 0; i < 11; i++) {
      sum = (((sum & 1) << 7) + ((sum & 0xff) >> 1) + (sn[i] & 0xff)) & 0xff;
    }
    return sum;
  }

  /** VFAT long-name entries, in on-disk order (last part first). */
  private static List<byte[]> longNameEntries(String name, int checksum) {
    char[] chars = name.toCharArray();
    int parts = (chars.length + 12) / 13;
    List<byte[]> out = new ArrayList<>();
    int[] offsets = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    for (int p = parts; p >= 1; p--) {
      byte[] e = new byte[32];
      e[0] = (byte) (p | (p == parts ? 0x40 : 0));
      e[11] = ATTR_LFN;
      e[13] = (byte) checksum;
      for (int i = 0; i < 13; i++) {
        int idx = (p - 1) * 13 + i;
        int c = idx < chars.length ? chars[idx] : idx == chars.length ? 0 : 0xffff;
        e[offsets[i]] = (byte) c;
        e[offsets[i] + 1] = (byte) (c >> 8);
      }
      out.add(e);
    }
    return out;
  }

  private static byte[] shortEntry(byte[] name11, int attr, int cluster, int size, int caseFlags) {
    byte[] e = new byte[32];
    ByteBuffer b = ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN);
    System.arraycopy(name11, 0, e, 0, 11);
    e[11] = (byte) attr;
    e[12] = (byte) caseFlags;
    b.putShort(14, (short) 0);          // creation time
    b.putShort(16, (short) FAT_DATE);   // creation date
    b.putShort(18, (short) FAT_DATE);   // last access date
    b.putShort(22, (short) 0);          // modification time
    b.putShort(24, (short) FAT_DATE);   // modification date
    b.putShort(26, (short) cluster);
    b.putInt(28, size);
    return e;
  }

  private static byte[] pad11(String s) {
    byte[] out = new byte[11];
    java.util.Arrays.fill(out, (byte) ' ');
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, out, 0, Math.min(11, b.length));
    return out;
  }

  private static void put(byte[] img, int off, String s, int len) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < len; i++) {
      img[off + i] = i < b.length ? b[i] : (byte) ' ';
    }
  }
}
