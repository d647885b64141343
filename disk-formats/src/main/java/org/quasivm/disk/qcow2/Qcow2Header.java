package org.quasivm.disk.qcow2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quasivm.disk.DiskImageException;

/**
 * The qcow2 header (version 2 and 3, big-endian) with its extensions and backing file name, as in QEMU's
 * docs/interop/qcow2.txt. Parsing bounds every size and offset it returns; the cluster map and refcount code
 * rely on that.
 */
public record Qcow2Header(int version, long backingFileOffset, int backingFileSize, int clusterBits, long size,
                          int cryptMethod, int l1Size, long l1TableOffset, long refcountTableOffset,
                          int refcountTableClusters, int nbSnapshots, long snapshotsOffset,
                          long incompatibleFeatures, long compatibleFeatures, long autoclearFeatures,
                          int refcountOrder, int headerLength, String backingFile, String backingFormat,
                          List<Extension> unknownExtensions) {
    public static final int MAGIC = 0x514649fb; // "QFI\xfb"
    public static final long INCOMPAT_DIRTY = 1;
    public static final long INCOMPAT_CORRUPT = 1 << 1;
    public static final long INCOMPAT_DATA_FILE = 1 << 2;
    public static final long INCOMPAT_COMPRESSION = 1 << 3;
    public static final long INCOMPAT_EXTL2 = 1 << 4;
    static final int EXT_END = 0;
    static final int EXT_BACKING_FORMAT = 0xe2792aca;
    static final int EXT_FEATURE_TABLE = 0x6803f857;
    static final int EXT_BITMAPS = 0x23852875;
    /** Largest virtual size accepted: 2^50 bytes (1 PiB); QEMU allows up to 2^61 but tables scale with it. */
    static final long MAX_SIZE = 1L << 50;
    /** QEMU's own caps: 32 MiB of L1 table, 8 MiB of refcount table. */
    static final long MAX_L1_BYTES = 32L << 20;
    static final long MAX_REFTABLE_BYTES = 8L << 20;
    static final int V2_HEADER_LENGTH = 72;
    static final int V3_HEADER_LENGTH = 104;

    public record Extension(int type, byte[] data) {
    }

    public int clusterSize() {
        return 1 << clusterBits;
    }

    public boolean dirty() {
        return (incompatibleFeatures & INCOMPAT_DIRTY) != 0;
    }

    public boolean corrupt() {
        return (incompatibleFeatures & INCOMPAT_CORRUPT) != 0;
    }

    public static boolean hasMagic(ByteBuffer b) {
        return b.remaining() >= 4 && b.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(b.position()) == MAGIC;
    }

    /** Parses the header from the first cluster's bytes (at least 512 given; up to one cluster used). */
    public static Qcow2Header parse(Path file, ByteBuffer raw, long fileSize) throws DiskImageException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.BIG_ENDIAN);
        int p = b.position();
        int avail = b.remaining();
        if (avail < V2_HEADER_LENGTH) {
            throw new DiskImageException(file, "qcow2 header is truncated");
        }
        if (b.getInt(p) != MAGIC) {
            throw new DiskImageException(file, "no qcow2 magic");
        }
        int version = b.getInt(p + 4);
        if (version != 2 && version != 3) {
            throw new DiskImageException(file, "not supported: qcow2 version " + Integer.toUnsignedString(version));
        }
        long backingOffset = b.getLong(p + 8);
        int backingSize = b.getInt(p + 16);
        int clusterBits = b.getInt(p + 20);
        long size = b.getLong(p + 24);
        int crypt = b.getInt(p + 32);
        int l1Size = b.getInt(p + 36);
        long l1Offset = b.getLong(p + 40);
        long rtOffset = b.getLong(p + 48);
        int rtClusters = b.getInt(p + 56);
        int nbSnapshots = b.getInt(p + 60);
        long snapshotsOffset = b.getLong(p + 64);
        long incompat = 0;
        long compat = 0;
        long autoclear = 0;
        int refcountOrder = 4;
        int headerLength = V2_HEADER_LENGTH;
        if (clusterBits < 9 || clusterBits > 21) {
            throw new DiskImageException(file, "qcow2 cluster size 2^" + clusterBits
                    + " is outside 512 bytes .. 2 MiB");
        }
        int clusterSize = 1 << clusterBits;
        if (version == 3) {
            if (avail < V3_HEADER_LENGTH) {
                throw new DiskImageException(file, "qcow2 v3 header is truncated");
            }
            incompat = b.getLong(p + 72);
            compat = b.getLong(p + 80);
            autoclear = b.getLong(p + 88);
            refcountOrder = b.getInt(p + 96);
            headerLength = b.getInt(p + 100);
            if (headerLength < V3_HEADER_LENGTH || headerLength > clusterSize || headerLength > avail) {
                throw new DiskImageException(file, "qcow2 header length " + Integer.toUnsignedString(headerLength)
                        + " is out of range");
            }
        }
        long unknownIncompat = incompat & ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_COMPRESSION);
        if ((incompat & INCOMPAT_DATA_FILE) != 0) {
            throw new DiskImageException(file, "not supported: qcow2 with an external data file");
        }
        if ((incompat & INCOMPAT_EXTL2) != 0) {
            throw new DiskImageException(file, "not supported: qcow2 extended L2 entries (subclusters)");
        }
        if (unknownIncompat != 0) {
            throw new DiskImageException(file, String.format("not supported: qcow2 incompatible features %#x",
                    unknownIncompat));
        }
        if ((incompat & INCOMPAT_COMPRESSION) != 0 && headerLength > 104 && (b.get(p + 104) & 0xff) != 0) {
            throw new DiskImageException(file, "not supported: qcow2 compression type " + (b.get(p + 104) & 0xff)
                    + " (only zlib)");
        }
        if (crypt != 0) {
            throw new DiskImageException(file, "not supported: encrypted qcow2 (method " + crypt + ")");
        }
        if (refcountOrder < 0 || refcountOrder > 6) {
            throw new DiskImageException(file, "qcow2 refcount order " + refcountOrder + " is out of range (0..6)");
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new DiskImageException(file, "qcow2 virtual size " + Long.toUnsignedString(size)
                    + " is out of range (limit 1 PiB)");
        }
        long l2Entries = clusterSize / 8;
        long needL1 = (size + (l2Entries << clusterBits) - 1) / (l2Entries << clusterBits);
        long l1Entries = l1Size & 0xffffffffL;
        if (l1Entries * 8 > MAX_L1_BYTES) {
            throw new DiskImageException(file, "qcow2 L1 table of " + l1Entries + " entries exceeds 32 MiB");
        }
        if (l1Entries < needL1) {
            throw new DiskImageException(file, "qcow2 L1 table has " + l1Entries + " entries, the disk size needs "
                    + needL1);
        }
        checkTable(file, "L1 table", l1Offset, l1Entries * 8, clusterSize, fileSize);
        long rtBytes = (rtClusters & 0xffffffffL) << clusterBits;
        if (rtClusters == 0 || rtBytes > MAX_REFTABLE_BYTES) {
            throw new DiskImageException(file, "qcow2 refcount table of " + Integer.toUnsignedString(rtClusters)
                    + " clusters is out of range");
        }
        checkTable(file, "refcount table", rtOffset, rtBytes, clusterSize, fileSize);
        if (nbSnapshots < 0 || nbSnapshots > 65536) {
            throw new DiskImageException(file, "qcow2 snapshot count " + Integer.toUnsignedString(nbSnapshots)
                    + " is out of range");
        }
        if (nbSnapshots > 0) {
            checkTable(file, "snapshot table", snapshotsOffset, 1, clusterSize, fileSize);
        }
        String backingFile = null;
        if (backingOffset != 0) {
            if (backingSize <= 0 || backingSize > 1023 || backingOffset < 0
                    || backingOffset + backingSize > Math.min(clusterSize, avail)) {
                throw new DiskImageException(file, "qcow2 backing file name (offset " + backingOffset + ", "
                        + Integer.toUnsignedString(backingSize) + " bytes) is out of range");
            }
            byte[] name = new byte[backingSize];
            b.get(p + (int) backingOffset, name);
            backingFile = new String(name, StandardCharsets.UTF_8);
        }
        String backingFormat = null;
        List<Extension> unknown = new ArrayList<>();
        int end = backingOffset != 0 ? (int) backingOffset : Math.min(clusterSize, avail);
        int at = headerLength;
        // Extensions follow the header in both versions, up to the end marker or the backing file name.
        while (at + 8 <= end) {
            int type = b.getInt(p + at);
            long len = b.getInt(p + at + 4) & 0xffffffffL;
            if (type == EXT_END) {
                break;
            }
            if (at + 8 + len > end) {
                throw new DiskImageException(file, String.format(
                        "qcow2 header extension %08x (%d bytes) runs past the header", type, len));
            }
            byte[] data = new byte[(int) len];
            b.get(p + at + 8, data);
            if (type == EXT_BACKING_FORMAT) {
                backingFormat = new String(data, StandardCharsets.UTF_8);
            } else if (type != EXT_FEATURE_TABLE) {
                unknown.add(new Extension(type, data));
            }
            at += 8 + (int) ((len + 7) & ~7L);
        }
        return new Qcow2Header(version, backingOffset, backingSize, clusterBits, size, crypt, l1Size, l1Offset,
                rtOffset, rtClusters, nbSnapshots, snapshotsOffset, incompat, compat, autoclear, refcountOrder,
                headerLength, backingFile, backingFormat, List.copyOf(unknown));
    }

    private static void checkTable(Path file, String what, long offset, long bytes, int clusterSize, long fileSize)
            throws DiskImageException {
        if (offset <= 0 || (offset & (clusterSize - 1)) != 0) {
            throw new DiskImageException(file, "qcow2 " + what + " offset " + offset + " is not a cluster boundary");
        }
        if (offset > fileSize || bytes > fileSize - offset + clusterSize) {
            throw new DiskImageException(file, "qcow2 " + what + " (offset " + offset + ", " + bytes
                    + " bytes) lies past the end of the file");
        }
    }

    /**
     * The first cluster as written: header, extensions (backing format, unknown ones kept), end marker,
     * backing file name. Only the fields QEMU and this module write are emitted.
     */
    public ByteBuffer toBytes(int clusterSize) {
        ByteBuffer b = ByteBuffer.allocate(clusterSize).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, MAGIC);
        b.putInt(4, version);
        b.putInt(20, clusterBits);
        b.putLong(24, size);
        b.putInt(32, cryptMethod);
        b.putInt(36, l1Size);
        b.putLong(40, l1TableOffset);
        b.putLong(48, refcountTableOffset);
        b.putInt(56, refcountTableClusters);
        b.putInt(60, nbSnapshots);
        b.putLong(64, snapshotsOffset);
        int at = V2_HEADER_LENGTH;
        if (version == 3) {
            b.putLong(72, incompatibleFeatures);
            b.putLong(80, compatibleFeatures);
            b.putLong(88, autoclearFeatures);
            b.putInt(96, refcountOrder);
            b.putInt(100, headerLength);
            at = headerLength;
        }
        if (backingFormat != null) {
            at = putExtension(b, at, EXT_BACKING_FORMAT, backingFormat.getBytes(StandardCharsets.UTF_8));
        }
        for (Extension e : unknownExtensions) {
            at = putExtension(b, at, e.type(), e.data());
        }
        b.putInt(at, EXT_END);
        b.putInt(at + 4, 0);
        at += 8;
        if (backingFile != null) {
            byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
            b.putLong(8, at);
            b.putInt(16, name.length);
            b.put(at, name);
        }
        return b;
    }

    private static int putExtension(ByteBuffer b, int at, int type, byte[] data) {
        b.putInt(at, type);
        b.putInt(at + 4, data.length);
        b.put(at + 8, data);
        return at + 8 + ((data.length + 7) & ~7);
    }

    public Qcow2Header withBacking(String file, String format) {
        return new Qcow2Header(version, 0, 0, clusterBits, size, cryptMethod, l1Size, l1TableOffset,
                refcountTableOffset, refcountTableClusters, nbSnapshots, snapshotsOffset, incompatibleFeatures,
                compatibleFeatures, autoclearFeatures, refcountOrder, headerLength, file,
                format, unknownExtensions);
    }
}
