package org.quasivm.disk.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.UUID;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.io.AtomicFile;

/** Writes new dynamic and fixed VDIs (1 MiB blocks, version 1.1 header as QEMU and VirtualBox read it). */
public final class VdiCreator {
    static final int BLOCK_SIZE = 1 << 20;
    static final String TEXT = "<<< QuasiVM Virtual Disk Image >>>\n";

    private VdiCreator() {
    }

    public static void create(Path path, long requestedSize, boolean fixed) throws IOException {
        create(path, requestedSize, fixed, true);
    }

    public static void create(Path path, long requestedSize, boolean fixed, boolean durable) throws IOException {
        if (requestedSize <= 0) {
            throw new DiskImageException(path, "size must be positive, got " + requestedSize);
        }
        long size = (requestedSize + 511) & ~511L;
        long blocks = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        if (blocks > VdiHeader.MAX_BLOCKS) {
            throw new DiskImageException(path, "VDI size " + size + " exceeds the supported 4 TiB");
        }
        long mapOffset = 512;
        long dataOffset = mapOffset + ((blocks * 4 + 511) & ~511L);
        VdiHeader h = new VdiHeader(TEXT, VdiHeader.HEADER_SIZE_V1,
                fixed ? VdiHeader.TYPE_FIXED : VdiHeader.TYPE_DYNAMIC, 0, mapOffset, dataOffset, 512, size,
                BLOCK_SIZE, 0, blocks, fixed ? blocks : 0, uuid(), uuid(), new byte[16], new byte[16]);
        AtomicFile.create(path, f -> {
            f.writeFully(h.toBytes(), 0);
            ByteBuffer map = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < blocks; ) {
                map.clear();
                long first = i;
                while (map.hasRemaining() && i < blocks) {
                    map.putInt(fixed ? (int) i : VdiBlockMap.UNALLOCATED_ENTRY);
                    i++;
                }
                map.flip();
                f.writeFully(map, mapOffset + first * 4);
            }
            long end = fixed ? dataOffset + blocks * BLOCK_SIZE : dataOffset;
            f.truncate(end);
        }, durable);
    }

    private static byte[] uuid() {
        UUID u = UUID.randomUUID();
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                .array();
    }
}
