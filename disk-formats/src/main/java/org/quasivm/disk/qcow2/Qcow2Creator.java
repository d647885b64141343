package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.io.AtomicFile;

/**
 * Writes new qcow2 images: 64 KiB clusters, 16-bit refcounts. Layout: header cluster, refcount table
 * (one cluster: enough for 16 TiB of file), first refcount block, L1 table; everything else is allocated on write.
 */
public final class Qcow2Creator {
    static final int CLUSTER_BITS = 16;

    private Qcow2Creator() {
    }

    /**
     * @param backingReference the backing file as it is to be stored (relative to the new image's folder), or null
     * @param backingFormat    its format (stored so it is never probed), or null
     */
    public static void create(Path path, long requestedSize, int version, String backingReference,
                              ImageFormat backingFormat) throws IOException {
        create(path, requestedSize, version, backingReference, backingFormat, true);
    }

    public static void create(Path path, long requestedSize, int version, String backingReference,
                              ImageFormat backingFormat, boolean durable) throws IOException {
        if (requestedSize < 0 || requestedSize > Qcow2Header.MAX_SIZE) {
            throw new DiskImageException(path, "qcow2 size " + requestedSize + " is out of range");
        }
        if (version != 2 && version != 3) {
            throw new DiskImageException(path, "qcow2 version must be 2 or 3");
        }
        if (backingReference != null && backingReference.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > 1023) {
            throw new DiskImageException(path, "backing file path is longer than 1023 bytes");
        }
        long size = (requestedSize + 511) & ~511L;
        int cs = 1 << CLUSTER_BITS;
        long l2Span = 1L << (2 * CLUSTER_BITS - 3);
        long l1Size = Math.max(1, (size + l2Span - 1) / l2Span);
        long l1Clusters = (l1Size * 8 + cs - 1) / cs;
        long metadataClusters = 3 + l1Clusters;
        Qcow2Header h = new Qcow2Header(version, 0, 0, CLUSTER_BITS, size, 0, (int) l1Size, 3L * cs, cs, 1, 0, 0,
                0, 0, 0, 4, version == 3 ? Qcow2Header.V3_HEADER_LENGTH : Qcow2Header.V2_HEADER_LENGTH,
                backingReference, backingFormat == null ? null : Qcow2Image.qemuName(backingFormat), List.of());
        AtomicFile.create(path, f -> {
            f.writeFully(h.toBytes(cs), 0);
            ByteBuffer table = ByteBuffer.allocate(cs);
            table.putLong(0, 2L * cs);
            f.writeFully(table, cs);
            ByteBuffer block = ByteBuffer.allocate(cs);
            for (int i = 0; i < metadataClusters; i++) {
                block.putShort(i * 2, (short) 1);
            }
            f.writeFully(block, 2L * cs);
            f.truncate(metadataClusters * cs);
        }, durable);
    }
}
