package org.quasivm.disk.vmdk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;

/**
 * The 512-byte header of a hosted sparse extent ("KDMV", little-endian), as in VMware's Virtual Disk Format
 * specification. Parsing validates every field this module later uses to size or place anything.
 */
public record SparseExtentHeader(int version, int flags, long capacity, long grainSize, long descriptorOffset,
                                 long descriptorSize, int numGtesPerGt, long rgdOffset, long gdOffset,
                                 long overhead, boolean uncleanShutdown, int compressAlgorithm) {
    public static final int MAGIC = 0x564d444b; // "KDMV" read little-endian
    public static final int SIZE = 512;
    public static final int FLAG_NEWLINE_DETECT = 1;
    public static final int FLAG_REDUNDANT_GRAIN_TABLE = 1 << 1;
    public static final int FLAG_ZERO_GRAIN = 1 << 2;
    public static final int FLAG_COMPRESSED = 1 << 16;
    public static final int FLAG_MARKERS = 1 << 17;
    public static final int COMPRESSION_DEFLATE = 1;
    /** gdOffset of a streamOptimized header whose grain directory is found through the footer. */
    public static final long GD_AT_END = -1L;
    /** Largest virtual size accepted: 2^38 sectors (128 TiB; VMware's own limit is 62 TB). */
    public static final long MAX_CAPACITY_SECTORS = 1L << 38;
    /** Largest grain accepted: 1 MiB (VMware uses 64 KiB). */
    public static final long MAX_GRAIN_SECTORS = 2048;

    public boolean compressed() {
        return (flags & FLAG_COMPRESSED) != 0;
    }

    public boolean markers() {
        return (flags & FLAG_MARKERS) != 0;
    }

    public boolean zeroGrains() {
        return (flags & FLAG_ZERO_GRAIN) != 0;
    }

    public boolean redundantGrainTable() {
        return (flags & FLAG_REDUNDANT_GRAIN_TABLE) != 0;
    }

    /** Bytes covered by one grain table. */
    public long gtCoverageBytes() {
        return grainSize * 512L * numGtesPerGt;
    }

    /** Entries in the grain directory. */
    public long gdEntries() {
        long cover = grainSize * numGtesPerGt;
        return (capacity + cover - 1) / cover;
    }

    public static boolean hasMagic(ByteBuffer b) {
        return b.remaining() >= 4 && b.order(ByteOrder.LITTLE_ENDIAN).getInt(b.position()) == MAGIC;
    }

    /** Parses and validates a header (also used for the streamOptimized footer). */
    public static SparseExtentHeader parse(Path file, ByteBuffer raw, String what) throws DiskImageException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        if (b.remaining() < SIZE) {
            throw new DiskImageException(file, what + " is shorter than 512 bytes");
        }
        if (b.getInt(p) != MAGIC) {
            throw new DiskImageException(file, what + " has no KDMV magic");
        }
        int version = b.getInt(p + 4);
        int flags = b.getInt(p + 8);
        long capacity = b.getLong(p + 12);
        long grainSize = b.getLong(p + 20);
        long descriptorOffset = b.getLong(p + 28);
        long descriptorSize = b.getLong(p + 36);
        int numGtes = b.getInt(p + 44);
        long rgdOffset = b.getLong(p + 48);
        long gdOffset = b.getLong(p + 56);
        long overhead = b.getLong(p + 64);
        boolean unclean = b.get(p + 72) != 0;
        int compress = b.getShort(p + 77) & 0xffff;
        if ((flags & FLAG_NEWLINE_DETECT) != 0 && (b.get(p + 73) != '\n' || b.get(p + 74) != ' '
                || b.get(p + 75) != '\r' || b.get(p + 76) != '\n')) {
            throw new DiskImageException(file, what + " newline check bytes are altered"
                    + " (the file was copied in text mode)");
        }
        if (version < 1 || version > 3) {
            throw new DiskImageException(file, what + " has unsupported version " + Integer.toUnsignedString(version));
        }
        if (capacity < 0 || capacity > MAX_CAPACITY_SECTORS) {
            throw new DiskImageException(file, what + " capacity " + Long.toUnsignedString(capacity)
                    + " sectors is out of range");
        }
        if (grainSize < 1 || grainSize > MAX_GRAIN_SECTORS || Long.bitCount(grainSize) != 1) {
            throw new DiskImageException(file, what + " grain size " + Long.toUnsignedString(grainSize)
                    + " sectors is not a power of two up to " + MAX_GRAIN_SECTORS);
        }
        if (numGtes < 1 || numGtes > 65536) {
            throw new DiskImageException(file, what + " has " + Integer.toUnsignedString(numGtes)
                    + " entries per grain table (expected 1..65536, normally 512)");
        }
        if (descriptorSize < 0 || descriptorSize > VmdkDescriptor.MAX_TEXT_BYTES / 512) {
            throw new DiskImageException(file, what + " descriptor size " + descriptorSize + " sectors is out of range");
        }
        if (descriptorOffset < 0 || descriptorOffset > MAX_CAPACITY_SECTORS) {
            throw new DiskImageException(file, what + " descriptor offset " + Long.toUnsignedString(descriptorOffset)
                    + " is out of range");
        }
        if (overhead < 0 || overhead > MAX_CAPACITY_SECTORS) {
            throw new DiskImageException(file, what + " overhead " + Long.toUnsignedString(overhead)
                    + " sectors is out of range");
        }
        if ((flags & FLAG_COMPRESSED) != 0 && compress != COMPRESSION_DEFLATE) {
            throw new DiskImageException(file, what + " uses unknown compression algorithm " + compress);
        }
        if (gdOffset != GD_AT_END && (gdOffset < 0 || gdOffset > MAX_CAPACITY_SECTORS)) {
            throw new DiskImageException(file, what + " grain directory offset " + Long.toUnsignedString(gdOffset)
                    + " is out of range");
        }
        if (rgdOffset < 0 || rgdOffset > MAX_CAPACITY_SECTORS) {
            throw new DiskImageException(file, what + " redundant grain directory offset "
                    + Long.toUnsignedString(rgdOffset) + " is out of range");
        }
        return new SparseExtentHeader(version, flags, capacity, grainSize, descriptorOffset, descriptorSize, numGtes,
                rgdOffset, gdOffset, overhead, unclean, compress);
    }

    /** The 512 header bytes. */
    public ByteBuffer toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, MAGIC);
        b.putInt(4, version);
        b.putInt(8, flags);
        b.putLong(12, capacity);
        b.putLong(20, grainSize);
        b.putLong(28, descriptorOffset);
        b.putLong(36, descriptorSize);
        b.putInt(44, numGtesPerGt);
        b.putLong(48, rgdOffset);
        b.putLong(56, gdOffset);
        b.putLong(64, overhead);
        b.put(72, (byte) (uncleanShutdown ? 1 : 0));
        // The newline-detection characters: a text-mode transfer corrupting the file changes them.
        b.put(73, (byte) '\n');
        b.put(74, (byte) ' ');
        b.put(75, (byte) '\r');
        b.put(76, (byte) '\n');
        b.putShort(77, (short) compressAlgorithm);
        return b;
    }

    public SparseExtentHeader withGdOffset(long gd) {
        return new SparseExtentHeader(version, flags, capacity, grainSize, descriptorOffset, descriptorSize,
                numGtesPerGt, rgdOffset, gd, overhead, uncleanShutdown, compressAlgorithm);
    }
}
