package org.quasivm.disk.vhd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;

/**
 * The 512-byte VHD footer ("conectix", big-endian), per Microsoft's Virtual Hard Disk Image Format
 * Specification. Fixed disks have it at the end only; dynamic and differencing disks also keep a copy at offset 0.
 */
public record VhdFooter(int features, int formatVersion, long dataOffset, int timestamp, String creatorApp,
                        int creatorVersion, int creatorHostOs, long originalSize, long currentSize,
                        VhdGeometry geometry, int diskType, byte[] uniqueId, boolean savedState) {
    public static final int SIZE = 512;
    public static final int TYPE_FIXED = 2;
    public static final int TYPE_DYNAMIC = 3;
    public static final int TYPE_DIFFERENCING = 4;
    static final long NO_DATA_OFFSET = -1L;
    /** Seconds between the Unix epoch and the VHD epoch (2000-01-01 00:00:00 UTC). */
    static final long VHD_EPOCH = 946_684_800L;
    /** Largest virtual size read: 2 TiB (the format's own limit is 2040 GiB). */
    static final long MAX_SIZE = 1L << 41;
    private static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);

    /** The one's complement of the byte sum with the checksum field (offset 64) counted as zero. */
    static int checksum(ByteBuffer b, int base, int length, int checksumAt) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            if (i >= checksumAt && i < checksumAt + 4) {
                continue;
            }
            sum += b.get(base + i) & 0xff;
        }
        return ~sum;
    }

    /** True when the 512 bytes at the buffer's position carry the cookie and a matching checksum. */
    public static boolean checksumValid(ByteBuffer raw) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        int p = b.position();
        if (b.remaining() < SIZE) {
            return false;
        }
        for (int i = 0; i < COOKIE.length; i++) {
            if (b.get(p + i) != COOKIE[i]) {
                return false;
            }
        }
        return checksum(b, p, SIZE, 64) == b.getInt(p + 64);
    }

    public static VhdFooter parse(Path file, ByteBuffer raw, String what) throws DiskImageException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        int p = b.position();
        if (b.remaining() < SIZE) {
            throw new DiskImageException(file, what + " is shorter than 512 bytes");
        }
        for (int i = 0; i < COOKIE.length; i++) {
            if (b.get(p + i) != COOKIE[i]) {
                throw new DiskImageException(file, what + " has no \"conectix\" cookie");
            }
        }
        int stored = b.getInt(p + 64);
        int computed = checksum(b, p, SIZE, 64);
        if (stored != computed) {
            throw new DiskImageException(file, String.format("%s checksum mismatch (stored %08x, computed %08x)",
                    what, stored, computed));
        }
        int diskType = b.getInt(p + 60);
        if (diskType != TYPE_FIXED && diskType != TYPE_DYNAMIC && diskType != TYPE_DIFFERENCING) {
            throw new DiskImageException(file, what + " has unsupported disk type " + diskType);
        }
        long currentSize = b.getLong(p + 48);
        if (currentSize < 0 || currentSize > MAX_SIZE) {
            throw new DiskImageException(file, what + " disk size " + Long.toUnsignedString(currentSize)
                    + " is out of range (limit 2 TiB)");
        }
        byte[] app = new byte[4];
        b.get(p + 28, app);
        byte[] uuid = new byte[16];
        b.get(p + 68, uuid);
        VhdGeometry g = new VhdGeometry(b.getShort(p + 56) & 0xffff, b.get(p + 58) & 0xff, b.get(p + 59) & 0xff);
        return new VhdFooter(b.getInt(p + 8), b.getInt(p + 12), b.getLong(p + 16), b.getInt(p + 24),
                new String(app, StandardCharsets.ISO_8859_1), b.getInt(p + 32), b.getInt(p + 36), b.getLong(p + 40),
                currentSize, g, diskType, uuid, b.get(p + 84) != 0);
    }

    public ByteBuffer toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.put(0, COOKIE);
        b.putInt(8, features);
        b.putInt(12, formatVersion);
        b.putLong(16, dataOffset);
        b.putInt(24, timestamp);
        b.put(28, creatorApp.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
        b.putInt(32, creatorVersion);
        b.putInt(36, creatorHostOs);
        b.putLong(40, originalSize);
        b.putLong(48, currentSize);
        b.putShort(56, (short) geometry.cylinders());
        b.put(58, (byte) geometry.heads());
        b.put(59, (byte) geometry.sectorsPerTrack());
        b.putInt(60, diskType);
        b.put(68, uniqueId);
        b.put(84, (byte) (savedState ? 1 : 0));
        b.putInt(64, checksum(b, 0, SIZE, 64));
        return b;
    }

    /**
     * The size the guest sees. The footer's current size is authoritative (Hyper-V, Azure, VirtualBox); only
     * images from Virtual PC and QEMU's default mode are sized by their CHS geometry, which those tools treat as
     * the disk's size (unless the geometry is at its maximum, where it cannot describe the disk).
     */
    public long virtualSize() {
        boolean chsSized = (creatorApp.equals("vpc ") || creatorApp.equals("qemu")) && !geometry.isMaximum();
        return chsSized ? Math.min(currentSize, geometry.bytes()) : currentSize;
    }

    public boolean differencing() {
        return diskType == TYPE_DIFFERENCING;
    }

    public String typeName() {
        return switch (diskType) {
            case TYPE_FIXED -> "fixed";
            case TYPE_DYNAMIC -> "dynamic";
            default -> "differencing";
        };
    }

    public VhdFooter withCurrentSize(long size, VhdGeometry g) {
        return new VhdFooter(features, formatVersion, dataOffset, timestamp, creatorApp, creatorVersion,
                creatorHostOs, originalSize, size, g, diskType, uniqueId, savedState);
    }

    public VhdFooter withType(int type) {
        return new VhdFooter(features, formatVersion, dataOffset, timestamp, creatorApp, creatorVersion,
                creatorHostOs, originalSize, currentSize, geometry, type, uniqueId, savedState);
    }

    static int vhdTime(long unixSeconds) {
        return (int) Math.max(0, unixSeconds - VHD_EPOCH);
    }
}
