package org.quasivm.disk.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Byte-by-byte encoders written from the published specifications (Microsoft's VHD format specification,
 * VirtualBox's VDI header layout), independent of the module's own writers, for images qemu-img cannot make.
 */
public final class SpecImages {
    private SpecImages() {
    }

    /** One parent locator: platform code ("W2ru"...), its data. */
    public record Locator(String code, byte[] data) {
    }

    private static int vhdChecksum(ByteBuffer b, int len) {
        int sum = 0;
        for (int i = 0; i < len; i++) {
            sum += b.get(i) & 0xff;
        }
        return ~sum;
    }

    /** The 512-byte hard disk footer (big-endian, checksum over all bytes with the checksum field zero). */
    public static ByteBuffer vhdFooter(int diskType, long size, byte[] uuid, long dataOffset, int timestamp) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.BIG_ENDIAN);
        b.put("conectix".getBytes(StandardCharsets.US_ASCII));
        b.putInt(2);                 // features: reserved bit always set
        b.putInt(0x00010000);        // file format version
        b.putLong(dataOffset);
        b.putInt(timestamp);
        b.put("win ".getBytes(StandardCharsets.US_ASCII)); // Hyper-V: the current size is the disk size
        b.putInt(0x000a0000);
        b.putInt(0x5769326b);        // "Wi2k"
        b.putLong(size);             // original size
        b.putLong(size);             // current size
        // CHS 16/63, advisory only for a Hyper-V disk
        b.putShort((short) (size / (16 * 63 * 512)));
        b.put((byte) 16);
        b.put((byte) 63);
        b.putInt(diskType);
        b.putInt(0);                 // checksum placeholder at 64
        b.put(uuid);
        b.put((byte) 0);
        int sum = vhdChecksum(b, 512);
        b.putInt(64, sum);
        b.clear();
        return b;
    }

    /** The 1024-byte dynamic disk header with parent fields and locators (data offsets given). */
    public static ByteBuffer vhdDynamicHeader(long tableOffset, int entries, int blockSize, byte[] parentUuid,
                                              int parentTimestamp, String parentName, List<Locator> locators,
                                              long[] locatorOffsets) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.BIG_ENDIAN);
        b.put("cxsparse".getBytes(StandardCharsets.US_ASCII));
        b.putLong(-1L);
        b.putLong(tableOffset);
        b.putInt(0x00010000);
        b.putInt(entries);
        b.putInt(blockSize);
        b.putInt(0);                 // checksum at 36
        b.put(parentUuid);
        b.putInt(parentTimestamp);
        b.putInt(0);
        byte[] name = parentName.getBytes(StandardCharsets.UTF_16BE);
        b.put(64, name);
        for (int i = 0; i < locators.size(); i++) {
            Locator l = locators.get(i);
            int at = 576 + i * 24;
            b.put(at, l.code().getBytes(StandardCharsets.US_ASCII));
            b.putInt(at + 4, 512);   // data space (Hyper-V writes bytes)
            b.putInt(at + 8, l.data().length);
            b.putLong(at + 16, locatorOffsets[i]);
        }
        b.putInt(36, vhdChecksum(b, 1024));
        b.clear();
        return b;
    }

    /**
     * A dynamic (parentUuid null) or differencing VHD with 2 MiB blocks. {@code blocks[i]} is null for an
     * unallocated block, else 2 MiB of data; {@code bitmaps[i]} the sector bitmap (512 bytes) for it.
     */
    public static void writeVhd(Path file, long size, byte[] uuid, byte[] parentUuid, String parentName,
                                List<Locator> locators, byte[][] blocks, byte[][] bitmaps) throws IOException {
        int blockSize = 2 << 20;
        int entries = (int) ((size + blockSize - 1) / blockSize);
        int type = parentUuid == null ? 3 : 4;
        ByteBuffer footer = vhdFooter(type, size, uuid, 512, 0x2a000000);
        long tableOffset = 1536;
        long batBytes = ((entries * 4L) + 511) & ~511L;
        long at = tableOffset + batBytes;
        long[] locOffsets = new long[locators.size()];
        for (int i = 0; i < locators.size(); i++) {
            locOffsets[i] = at;
            at += 512;
        }
        ByteBuffer out = ByteBuffer.allocate((int) (at + (long) entries * (512 + blockSize) + 512))
                .order(ByteOrder.BIG_ENDIAN);
        out.put(0, footer.array());
        out.put(512, vhdDynamicHeader(tableOffset, entries, blockSize, parentUuid == null ? new byte[16] : parentUuid,
                0x29000000, parentName, locators, locOffsets).array());
        for (int i = 0; i < locators.size(); i++) {
            out.put((int) locOffsets[i], locators.get(i).data());
        }
        for (int i = 0; i < entries; i++) {
            int entry = -1;
            if (blocks[i] != null) {
                entry = (int) (at / 512);
                out.put((int) at, bitmaps[i]);
                out.put((int) at + 512, blocks[i]);
                at += 512 + blockSize;
            }
            out.putInt((int) tableOffset + i * 4, entry);
        }
        for (long p = tableOffset + entries * 4L; p < tableOffset + batBytes; p++) {
            out.put((int) p, (byte) 0xff);
        }
        out.put((int) at, footer.array());
        Files.write(file, java.util.Arrays.copyOf(out.array(), (int) at + 512));
    }

    /** VirtualBox VDI 1.1: pre-header text and signature, header at 0x48, block map at 0x200, data at 0x400. */
    public static void writeVdi(Path file, int type, long size, byte[] uuidCreate, byte[] uuidModify,
                                byte[] uuidLinkage, byte[] uuidParentModify, byte[][] blocks) throws IOException {
        int blockSize = 1 << 20;
        int count = (int) ((size + blockSize - 1) / blockSize);
        int allocated = 0;
        for (byte[] b : blocks) {
            if (b != null) {
                allocated++;
            }
        }
        int dataOffset = 0x400;
        ByteBuffer out = ByteBuffer.allocate(dataOffset + allocated * blockSize).order(ByteOrder.LITTLE_ENDIAN);
        out.put(0, "<<< Oracle VM VirtualBox Disk Image >>>\n".getBytes(StandardCharsets.US_ASCII));
        out.putInt(0x40, 0xbeda107f);
        out.putInt(0x44, 0x00010001);
        out.putInt(0x48, 0x190);      // header size incl. LCHS geometry, as VirtualBox writes it
        out.putInt(0x4c, type);
        out.putInt(0x154, 0x200);     // block map offset
        out.putInt(0x158, dataOffset);
        out.putInt(0x168, 512);       // legacy geometry: sector size
        out.putLong(0x170, size);
        out.putInt(0x178, blockSize);
        out.putInt(0x17c, 0);
        out.putInt(0x180, count);
        out.putInt(0x184, allocated);
        out.put(0x188, uuidCreate);
        out.put(0x198, uuidModify);
        out.put(0x1a8, uuidLinkage);
        out.put(0x1b8, uuidParentModify);
        int next = 0;
        for (int i = 0; i < count; i++) {
            if (blocks[i] == null) {
                out.putInt(0x200 + i * 4, 0xffffffff);
            } else {
                out.putInt(0x200 + i * 4, next);
                out.put(dataOffset + next * blockSize, blocks[i]);
                next++;
            }
        }
        Files.write(file, out.array());
    }

    public static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
