package org.quasivm.disk.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.quasivm.disk.DiskImageException;

/**
 * The VirtualBox VDI header, version 1.1 (little-endian): 64 bytes of text, signature 0xbeda107f, then the
 * header proper at 0x48. UUIDs are kept as their 16 stored bytes.
 */
public record VdiHeader(String text, int headerSize, int imageType, int flags, long blocksOffset, long dataOffset,
                        int sectorSize, long diskSize, int blockSize, int blockExtra, long blocks,
                        long blocksAllocated, byte[] uuidCreate, byte[] uuidModify, byte[] uuidLinkage,
                        byte[] uuidParentModify) {
    public static final int SIGNATURE = 0xbeda107f;
    public static final int VERSION_1_1 = 0x00010001;
    public static final int TYPE_DYNAMIC = 1;
    public static final int TYPE_FIXED = 2;
    public static final int TYPE_UNDO = 3;
    public static final int TYPE_DIFF = 4;
    /** Header bytes from offset 0x48 in a version 1.1 header without the LCHS geometry (as QEMU writes it). */
    static final int HEADER_SIZE_V1 = 0x180;
    static final int FIELDS_END = 0x1c8;
    /** Largest block map accepted: 2^22 blocks (4 TiB of 1 MiB blocks). */
    static final long MAX_BLOCKS = 1L << 22;
    static final int MAX_BLOCK_SIZE = 16 << 20;
    static final long MAX_DISK_SIZE = 1L << 42;

    public static VdiHeader parse(Path file, ByteBuffer raw, long fileSize) throws DiskImageException {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        if (b.remaining() < FIELDS_END) {
            throw new DiskImageException(file, "VDI header is truncated");
        }
        if (b.getInt(p + 0x40) != SIGNATURE) {
            throw new DiskImageException(file, "no VDI signature");
        }
        int version = b.getInt(p + 0x44);
        if (version != VERSION_1_1) {
            throw new DiskImageException(file, String.format("not supported: VDI version %08x (only 1.1)", version));
        }
        int headerSize = b.getInt(p + 0x48);
        if (headerSize < HEADER_SIZE_V1 || headerSize > 4096) {
            throw new DiskImageException(file, "VDI header size " + Integer.toUnsignedString(headerSize)
                    + " is out of range");
        }
        int type = b.getInt(p + 0x4c);
        if (type == TYPE_UNDO) {
            throw new DiskImageException(file, "not supported: VDI undo images");
        }
        if (type != TYPE_DYNAMIC && type != TYPE_FIXED && type != TYPE_DIFF) {
            throw new DiskImageException(file, "unknown VDI image type " + Integer.toUnsignedString(type));
        }
        long blocksOffset = b.getInt(p + 0x154) & 0xffffffffL;
        long dataOffset = b.getInt(p + 0x158) & 0xffffffffL;
        int sectorSize = b.getInt(p + 0x168);
        long diskSize = b.getLong(p + 0x170);
        int blockSize = b.getInt(p + 0x178);
        int blockExtra = b.getInt(p + 0x17c);
        long blocks = b.getInt(p + 0x180) & 0xffffffffL;
        long allocated = b.getInt(p + 0x184) & 0xffffffffL;
        if (sectorSize != 512) {
            throw new DiskImageException(file, "not supported: VDI sector size " + Integer.toUnsignedString(sectorSize));
        }
        if (diskSize < 0 || diskSize > MAX_DISK_SIZE) {
            throw new DiskImageException(file, "VDI disk size " + Long.toUnsignedString(diskSize) + " is out of range");
        }
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new DiskImageException(file, "VDI block size " + Integer.toUnsignedString(blockSize)
                    + " is not a power of two between 512 bytes and 16 MiB");
        }
        if (blockExtra != 0) {
            throw new DiskImageException(file, "not supported: VDI blocks with " + Integer.toUnsignedString(blockExtra)
                    + " extra bytes");
        }
        if (blocks > MAX_BLOCKS) {
            throw new DiskImageException(file, "VDI block map has " + blocks + " entries (limit " + MAX_BLOCKS + ")");
        }
        if (blocks * blockSize < diskSize) {
            throw new DiskImageException(file, "VDI block map covers " + blocks * blockSize
                    + " bytes, less than the disk size " + diskSize);
        }
        if (allocated > blocks) {
            throw new DiskImageException(file, "VDI header says " + allocated + " of " + blocks
                    + " blocks are allocated");
        }
        long headerEnd = 0x48L + headerSize;
        if (blocksOffset < headerEnd || blocksOffset + blocks * 4 > dataOffset) {
            throw new DiskImageException(file, "VDI block map (offset " + blocksOffset + ", " + blocks
                    + " entries) overlaps the header or the data area (offset " + dataOffset + ")");
        }
        if (dataOffset > fileSize) {
            throw new DiskImageException(file, "VDI data area offset " + dataOffset + " lies past the end of the file");
        }
        byte[] text = new byte[64];
        b.get(p, text);
        int tl = 0;
        while (tl < 64 && text[tl] != 0) {
            tl++;
        }
        return new VdiHeader(new String(text, 0, tl, StandardCharsets.ISO_8859_1), headerSize, type,
                b.getInt(p + 0x50), blocksOffset, dataOffset, sectorSize, diskSize, blockSize, blockExtra, blocks,
                allocated, bytes(b, p + 0x188), bytes(b, p + 0x198), bytes(b, p + 0x1a8), bytes(b, p + 0x1b8));
    }

    private static byte[] bytes(ByteBuffer b, int at) {
        byte[] u = new byte[16];
        b.get(at, u);
        return u;
    }

    /** The header bytes to write at offset 0 (up to the end of the UUIDs, padded to 512). */
    public ByteBuffer toBytes() {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        b.put(0, t, 0, Math.min(t.length, 63));
        b.putInt(0x40, SIGNATURE);
        b.putInt(0x44, VERSION_1_1);
        b.putInt(0x48, headerSize);
        b.putInt(0x4c, imageType);
        b.putInt(0x50, flags);
        b.putInt(0x154, (int) blocksOffset);
        b.putInt(0x158, (int) dataOffset);
        b.putInt(0x168, sectorSize);
        b.putLong(0x170, diskSize);
        b.putInt(0x178, blockSize);
        b.putInt(0x17c, blockExtra);
        b.putInt(0x180, (int) blocks);
        b.putInt(0x184, (int) blocksAllocated);
        b.put(0x188, uuidCreate);
        b.put(0x198, uuidModify);
        b.put(0x1a8, uuidLinkage);
        b.put(0x1b8, uuidParentModify);
        return b;
    }

    public String typeName() {
        return switch (imageType) {
            case TYPE_FIXED -> "fixed";
            case TYPE_DIFF -> "differencing";
            default -> "dynamic";
        };
    }

    /** A UUID as VirtualBox prints it (the first three fields are stored little-endian). */
    public static String formatUuid(byte[] u) {
        return String.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                u[3], u[2], u[1], u[0], u[5], u[4], u[7], u[6], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    }

    public static boolean isNil(byte[] u) {
        for (byte x : u) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
