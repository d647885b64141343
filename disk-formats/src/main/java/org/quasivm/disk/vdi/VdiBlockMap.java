package org.quasivm.disk.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusterMap;

/**
 * The VDI block map: entry i is the index of block i in the data area, or "unallocated" / "zero". New
 * blocks are appended; the data is written first, then the map entry, then the allocated-blocks count in the
 * header (the count is recomputed from the map on open, so a crash between the two is harmless).
 */
final class VdiBlockMap extends ClusterMap {
    static final int UNALLOCATED_ENTRY = 0xffffffff;
    static final int ZERO_ENTRY = 0xfffffffe;
    private static final int ALLOCATED_COUNT_OFFSET = 0x184;
    private final ImageFile file;
    private final int[] map;
    private final long mapOffset;
    private final long dataOffset;
    private final int blockBits;
    private final boolean writable;
    private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private long nextBlock;

    VdiBlockMap(ImageFile file, int[] map, long mapOffset, long dataOffset, int blockSize, long nextBlock,
                boolean writable) {
        this.file = file;
        this.map = map;
        this.mapOffset = mapOffset;
        this.dataOffset = dataOffset;
        this.blockBits = Integer.numberOfTrailingZeros(blockSize);
        this.nextBlock = nextBlock;
        this.writable = writable;
    }

    long nextBlock() {
        return nextBlock;
    }

    int[] entries() {
        return map;
    }

    @Override
    public int clusterBits() {
        return blockBits;
    }

    @Override
    public boolean freshClustersReadZero() {
        // Blocks are appended behind the data area, which the read-write open trims to the last block.
        return true;
    }

    @Override
    public long lookup(long cluster) {
        int e = map[(int) cluster];
        if (e == UNALLOCATED_ENTRY) {
            return UNALLOCATED;
        }
        if (e == ZERO_ENTRY) {
            return ZERO;
        }
        return dataOffset + ((e & 0xffffffffL) << blockBits);
    }

    @Override
    public long allocate(long firstCluster, int count) {
        long host = dataOffset + (nextBlock << blockBits);
        nextBlock += count;
        return host;
    }

    @Override
    public void publish(long firstCluster, int count, long hostOffset) throws IOException {
        long firstIndex = (hostOffset - dataOffset) >>> blockBits;
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, scratch.capacity() / 4);
            scratch.clear();
            for (int i = 0; i < n; i++) {
                scratch.putInt((int) (firstIndex + done + i));
            }
            scratch.flip();
            file.writeFully(scratch, mapOffset + (firstCluster + done) * 4);
            for (int i = 0; i < n; i++) {
                map[(int) (firstCluster + done + i)] = (int) (firstIndex + done + i);
            }
            done += n;
        }
        writeAllocatedCount();
    }

    void writeAllocatedCount() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, (int) nextBlock);
        file.writeFully(b, ALLOCATED_COUNT_OFFSET);
    }

    @Override
    public boolean canMarkZero() {
        return writable;
    }

    @Override
    public void markZero(long cluster) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, ZERO_ENTRY);
        file.writeFully(b, mapOffset + cluster * 4);
        map[(int) cluster] = ZERO_ENTRY;
    }

    @Override
    public long allocatedClusters() {
        long n = 0;
        for (int e : map) {
            if (e != UNALLOCATED_ENTRY && e != ZERO_ENTRY) {
                n++;
            }
        }
        return n;
    }
}
