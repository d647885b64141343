package org.quasivm.disk.vhd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quasivm.disk.DiskImageException;

/** The 1024-byte dynamic disk header ("cxsparse") of dynamic and differencing VHDs. */
public record VhdDynamicHeader(long tableOffset, long maxTableEntries, int blockSize, byte[] parentUuid,
                               int parentTimestamp, String parentName, List<Locator> locators) {
    public static final int SIZE = 1024;
    public static final int LOCATOR_W2RU = 0x57327275; // "W2ru": relative Windows path, UTF-16LE
    public static final int LOCATOR_W2KU = 0x57326b75; // "W2ku": absolute Windows path, UTF-16LE
    public static final int LOCATOR_WI2R = 0x57693272; // "Wi2r": deprecated relative path
    public static final int LOCATOR_WI2K = 0x5769326b; // "Wi2k": deprecated absolute path
    public static final int LOCATOR_MACX = 0x4d616358; // "MacX": file URL, UTF-8
    static final int MIN_BLOCK = 512;
    static final int MAX_BLOCK = 16 << 20;
    private static final byte[] COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);

    /** A parent locator entry; {@code dataSpace} is in bytes or sectors depending on the writer (see the reader). */
    public record Locator(int code, int dataSpace, int dataLength, long dataOffset) {
        public String codeName() {
            byte[] b = ByteBuffer.allocate(4).putInt(code).array();
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    public static VhdDynamicHeader parse(Path file, ByteBuffer raw) throws DiskImageException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        int p = b.position();
        for (int i = 0; i < COOKIE.length; i++) {
            if (b.get(p + i) != COOKIE[i]) {
                throw new DiskImageException(file, "dynamic disk header has no \"cxsparse\" cookie");
            }
        }
        int stored = b.getInt(p + 36);
        int computed = VhdFooter.checksum(b, p, SIZE, 36);
        if (stored != computed) {
            throw new DiskImageException(file, String.format(
                    "dynamic disk header checksum mismatch (stored %08x, computed %08x)", stored, computed));
        }
        long tableOffset = b.getLong(p + 16);
        long entries = b.getInt(p + 28) & 0xffffffffL;
        int blockSize = b.getInt(p + 32);
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || Integer.bitCount(blockSize) != 1) {
            throw new DiskImageException(file, "dynamic disk header block size " + Integer.toUnsignedString(blockSize)
                    + " is not a power of two between 512 bytes and 16 MiB");
        }
        if (tableOffset < 0 || tableOffset > VhdFooter.MAX_SIZE * 2) {
            throw new DiskImageException(file, "block allocation table offset " + Long.toUnsignedString(tableOffset)
                    + " is out of range");
        }
        byte[] uuid = new byte[16];
        b.get(p + 40, uuid);
        byte[] name = new byte[512];
        b.get(p + 64, name);
        int nameLen = 0;
        while (nameLen + 1 < name.length && (name[nameLen] != 0 || name[nameLen + 1] != 0)) {
            nameLen += 2;
        }
        List<Locator> locators = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int at = p + 576 + i * 24;
            int code = b.getInt(at);
            if (code == 0) {
                continue;
            }
            locators.add(new Locator(code, b.getInt(at + 4), b.getInt(at + 8), b.getLong(at + 16)));
        }
        return new VhdDynamicHeader(tableOffset, entries, blockSize, uuid, b.getInt(p + 56),
                new String(name, 0, nameLen, StandardCharsets.UTF_16BE), locators);
    }

    public ByteBuffer toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.put(0, COOKIE);
        b.putLong(8, -1L);
        b.putLong(16, tableOffset);
        b.putInt(24, 0x00010000);
        b.putInt(28, (int) maxTableEntries);
        b.putInt(32, blockSize);
        b.put(40, parentUuid);
        b.putInt(56, parentTimestamp);
        byte[] name = parentName.getBytes(StandardCharsets.UTF_16BE);
        b.put(64, name, 0, Math.min(name.length, 510));
        for (int i = 0; i < locators.size() && i < 8; i++) {
            Locator l = locators.get(i);
            int at = 576 + i * 24;
            b.putInt(at, l.code());
            b.putInt(at + 4, l.dataSpace());
            b.putInt(at + 8, l.dataLength());
            b.putLong(at + 16, l.dataOffset());
        }
        b.putInt(36, VhdFooter.checksum(b, 0, SIZE, 36));
        return b;
    }

    /** Sector bitmap bytes in front of each block, rounded up to whole sectors. */
    public int bitmapBytes() {
        int bits = blockSize / 512;
        return ((bits + 7) / 8 + 511) & ~511;
    }
}
