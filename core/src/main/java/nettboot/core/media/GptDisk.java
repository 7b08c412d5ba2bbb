package nettboot.core.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT disk image (protective MBR, primary and backup headers and partition arrays) holding one
 * EFI system partition at 1 MiB. GUIDs come from the caller, so the image is deterministic.
 */
final class GptDisk {
  static final int SECTOR = 512;
  static final long PARTITION_START = 2048;
  private static final int ENTRIES = 128;
  private static final int ENTRY_SIZE = 128;
  private static final int ARRAY_SECTORS = ENTRIES * ENTRY_SIZE / SECTOR; // 32
  static final UUID ESP_TYPE = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");

  private GptDisk() {}

  /** The disk: {@code partition} (a whole number of sectors) at LBA 2048, 1 MiB of room after it. */
  static byte[] build(byte[] partition, UUID diskGuid, UUID partitionGuid, String partitionName) {
    if (partition.length % SECTOR != 0) {
      throw new IllegalArgumentException("partition is not a whole number of sectors");
    }
    long partSectors = partition.length / SECTOR;
    long totalSectors = PARTITION_START + partSectors + 2048;
    long last = totalSectors - 1;
    byte[] disk = new byte[Math.toIntExact(totalSectors * SECTOR)];
    ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);

    // protective MBR: one 0xEE partition covering the disk
    int pe = 446;
    disk[pe] = 0;
    disk[pe + 1] = 0x00;
    disk[pe + 2] = 0x02;
    disk[pe + 3] = 0x00;
    disk[pe + 4] = (byte) 0xee;
    disk[pe + 5] = (byte) 0xff;
    disk[pe + 6] = (byte) 0xff;
    disk[pe + 7] = (byte) 0xff;
    b.putInt(pe + 8, 1);
    b.putInt(pe + 12, (int) Math.min(totalSectors - 1, 0xffffffffL));
    disk[510] = 0x55;
    disk[511] = (byte) 0xaa;

    // partition array
    byte[] array = new byte[ARRAY_SECTORS * SECTOR];
    ByteBuffer a = ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN);
    putGuid(array, 0, ESP_TYPE);
    putGuid(array, 16, partitionGuid);
    a.putLong(32, PARTITION_START);
    a.putLong(40, PARTITION_START + partSectors - 1);
    a.putLong(48, 0);
    byte[] name = partitionName.getBytes(StandardCharsets.UTF_16LE);
    System.arraycopy(name, 0, array, 56, Math.min(name.length, 72));
    long arrayCrc = crc(array, 0, array.length);

    System.arraycopy(array, 0, disk, 2 * SECTOR, array.length);
    System.arraycopy(array, 0, disk, (int) ((last - ARRAY_SECTORS) * SECTOR), array.length);
    writeHeader(disk, 1, last, 2, diskGuid, last, arrayCrc);
    writeHeader(disk, last, 1, last - ARRAY_SECTORS, diskGuid, last, arrayCrc);

    System.arraycopy(partition, 0, disk, (int) (PARTITION_START * SECTOR), partition.length);
    return disk;
  }

  private static void writeHeader(byte[] disk, long myLba, long alternateLba, long arrayLba,
      UUID diskGuid, long last, long arrayCrc) {
    int off = (int) (myLba * SECTOR);
    ByteBuffer h = ByteBuffer.wrap(disk, off, SECTOR).slice().order(ByteOrder.LITTLE_ENDIAN);
    h.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
    h.putInt(8, 0x00010000);
    h.putInt(12, 92);
    h.putInt(16, 0);
    h.putLong(24, myLba);
    h.putLong(32, alternateLba);
    h.putLong(40, 2 + ARRAY_SECTORS);          // first usable LBA (34)
    h.putLong(48, last - ARRAY_SECTORS - 1);   // last usable LBA
    putGuid(disk, off + 56, diskGuid);
    h.putLong(72, arrayLba);
    h.putInt(80, ENTRIES);
    h.putInt(84, ENTRY_SIZE);
    h.putInt(88, (int) arrayCrc);
    h.putInt(16, (int) crc(disk, off, 92));
  }

  /** A GUID in its on-disk mixed-endian form. */
  static void putGuid(byte[] out, int off, UUID u) {
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    int d1 = (int) (msb >>> 32);
    int d2 = (int) (msb >>> 16) & 0xffff;
    int d3 = (int) msb & 0xffff;
    ByteBuffer.wrap(out, off, 8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(d1).putShort((short) d2).putShort((short) d3);
    ByteBuffer.wrap(out, off + 8, 8).order(ByteOrder.BIG_ENDIAN).putLong(lsb);
  }

  private static long crc(byte[] b, int off, int len) {
    CRC32 c = new CRC32();
    c.update(b, off, len);
    return c.getValue();
  }
}
