package org.quasivm.disk.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusterMap;
import org.quasivm.disk.sparse.ClusteredStore;

/**
 * Block allocation table of a dynamic or differencing VHD. Each block is a sector bitmap followed by the
 * block's data. A dynamic disk's bitmap is all ones (QEMU and Hyper-V read allocated blocks whole); a
 * differencing disk's bitmap says which sectors this layer holds, so partial writes need no copy from the parent.
 *
 * <p>New blocks go where the footer was, moved up so that their data (behind the bitmap) starts on a 4 KiB
 * boundary, as Hyper-V aligns them: host page-cache pages then map whole guest pages, and a durable conversion
 * can write the data with O_DIRECT. The gap costs at most 3.5 KiB per 2 MiB block; readers follow the BAT, which
 * may point anywhere. The order is bitmap/data, footer behind the block, then the BAT entry. A crash in between
 * leaves an unreferenced block and possibly no footer at the end; the footer copy at offset 0 still opens the
 * image and the next read-write open trims the tail.
 */
final class VhdBlockMap extends ClusterMap {
    private static final int UNUSED = 0xffffffff;
    private static final long DATA_ALIGNMENT = 4096;
    private final ImageFile file;
    private final VhdDynamicHeader header;
    private final int[] bat;
    private final int blockBits;
    private final int blockSize;
    private final int bitmapBytes;
    private final boolean differencing;
    private final ThreadLocal<ByteBuffer> bitmapBuffer;
    private final ByteBuffer writeBitmap;
    private final ByteBuffer entry = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
    private ByteBuffer footer;
    private long nextFree;

    VhdBlockMap(ImageFile file, VhdDynamicHeader header, int[] bat, long nextFree, ByteBuffer footer,
                boolean differencing) {
        this.file = file;
        this.header = header;
        this.bat = bat;
        this.blockSize = header.blockSize();
        this.blockBits = Integer.numberOfTrailingZeros(blockSize);
        this.bitmapBytes = header.bitmapBytes();
        this.differencing = differencing;
        this.nextFree = nextFree;
        this.footer = footer;
        this.bitmapBuffer = ThreadLocal.withInitial(() -> ByteBuffer.allocate(bitmapBytes));
        this.writeBitmap = ByteBuffer.allocate(bitmapBytes);
    }

    int[] bat() {
        return bat;
    }

    long nextFree() {
        return nextFree;
    }

    int bitmapBytes() {
        return bitmapBytes;
    }

    void setFooter(ByteBuffer footerBytes) {
        this.footer = footerBytes;
    }

    @Override
    public int clusterBits() {
        return blockBits;
    }

    @Override
    public int maxAllocationRun() {
        return 1; // each block has its bitmap in front: blocks are never contiguous on the host
    }

    @Override
    public boolean freshClustersReadZero() {
        // New blocks lie beyond the end of the file, which the read-write open trims to the last block.
        return true;
    }

    @Override
    public long lookup(long cluster) {
        int e = bat[(int) cluster];
        if (e == UNUSED) {
            return UNALLOCATED;
        }
        return differencing ? SPECIAL : (e & 0xffffffffL) * 512 + bitmapBytes;
    }

    private long blockStart(long cluster) {
        return (bat[(int) cluster] & 0xffffffffL) * 512;
    }

    /** Reads a differencing block: sectors whose bitmap bit is set come from this file, the rest from the parent. */
    @Override
    public void readSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer dst) throws IOException {
        long start;
        store.metadataLock().lock();
        try {
            start = blockStart(cluster);
        } finally {
            store.metadataLock().unlock();
        }
        ByteBuffer bitmap = bitmapBuffer.get();
        bitmap.clear();
        file.readFully(bitmap, start, "sector bitmap of block " + cluster);
        long blockOffset = cluster << blockBits;
        int pos = inCluster;
        int end = inCluster + dst.remaining();
        while (pos < end) {
            int sector = pos >>> 9;
            boolean present = bit(bitmap, sector);
            int runEnd = Math.min(end, (sector + 1) << 9);
            while (runEnd < end && bit(bitmap, runEnd >>> 9) == present) {
                runEnd = Math.min(end, runEnd + 512);
            }
            int n = runEnd - pos;
            int oldLimit = dst.limit();
            dst.limit(dst.position() + n);
            try {
                if (present) {
                    file.readZeroPadded(dst, start + bitmapBytes + pos);
                } else {
                    store.readFallback(blockOffset + pos, dst);
                }
            } finally {
                dst.limit(oldLimit);
            }
            pos = runEnd;
        }
    }

    private static boolean bit(ByteBuffer bitmap, int sector) {
        return (bitmap.get(sector >>> 3) & (0x80 >>> (sector & 7))) != 0;
    }

    @Override
    public boolean specialWritesInPlace() {
        return true;
    }

    @Override
    public boolean allocatesEmpty() {
        return differencing;
    }

    /**
     * Writes into an allocated differencing block: partial sectors are completed from what the chain holds,
     * the data goes in place, then the bitmap bits are set (data first, so a crash never exposes garbage).
     */
    @Override
    public void writeSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer src) throws IOException {
        long start;
        store.metadataLock().lock();
        try {
            start = blockStart(cluster);
        } finally {
            store.metadataLock().unlock();
        }
        long blockOffset = cluster << blockBits;
        int from = inCluster;
        int to = inCluster + src.remaining();
        int firstSector = from >>> 9;
        int lastSector = (to - 1) >>> 9;
        if ((from & 511) != 0 || (to & 511) != 0) {
            // Merge the partial head and tail sectors through the chain, then write whole sectors.
            int len = (lastSector - firstSector + 1) << 9;
            ByteBuffer merged = ByteBuffer.allocate(len);
            store.read(blockOffset + ((long) firstSector << 9), merged);
            merged.position(from - (firstSector << 9));
            merged.put(src);
            merged.clear();
            file.writeFully(merged, start + bitmapBytes + ((long) firstSector << 9));
        } else {
            file.writeFully(src, start + bitmapBytes + from);
        }
        store.metadataLock().lock();
        try {
            setBits(start, firstSector, lastSector);
        } finally {
            store.metadataLock().unlock();
        }
    }

    private void setBits(long start, int firstSector, int lastSector) throws IOException {
        int firstByte = firstSector >>> 3;
        int lastByte = lastSector >>> 3;
        ByteBuffer b = writeBitmap;
        b.clear();
        b.limit(lastByte - firstByte + 1);
        file.readFully(b, start + firstByte, "sector bitmap");
        boolean changed = false;
        for (int s = firstSector; s <= lastSector; s++) {
            int i = (s >>> 3) - firstByte;
            int v = b.get(i) | (0x80 >>> (s & 7));
            if (v != b.get(i)) {
                b.put(i, (byte) v);
                changed = true;
            }
        }
        if (changed) {
            b.rewind();
            file.writeFully(b, start + firstByte);
        }
    }

    /** Where the next block starts: at or after the end of the last one, its data 4 KiB-aligned. */
    private long nextBlockStart() {
        long data = (nextFree + bitmapBytes + DATA_ALIGNMENT - 1) & -DATA_ALIGNMENT;
        return data - bitmapBytes;
    }

    @Override
    public long allocate(long firstCluster, int count) {
        long start = nextBlockStart();
        nextFree = start + bitmapBytes + blockSize;
        return start + bitmapBytes;
    }

    @Override
    public void publish(long firstCluster, int count, long hostOffset) throws IOException {
        long start = hostOffset - bitmapBytes;
        writeBlockHeaderAndEntry(firstCluster, start, (byte) 0xff);
    }

    @Override
    public void allocateEmpty(long cluster) throws IOException {
        long start = nextBlockStart();
        nextFree = start + bitmapBytes + blockSize;
        writeBlockHeaderAndEntry(cluster, start, (byte) 0);
    }

    private void writeBlockHeaderAndEntry(long cluster, long start, byte fill) throws IOException {
        ByteBuffer b = writeBitmap;
        b.clear();
        for (int i = 0; i < bitmapBytes; i++) {
            b.put(i, fill);
        }
        file.writeFully(b, start);
        footer.clear();
        file.writeFully(footer, nextFree);
        entry.clear();
        entry.putInt(0, (int) (start / 512));
        file.writeFully(entry, header.tableOffset() + cluster * 4);
        bat[(int) cluster] = (int) (start / 512);
    }

    @Override
    public long allocatedClusters() {
        long n = 0;
        for (int e : bat) {
            if (e != UNUSED) {
                n++;
            }
        }
        return n;
    }
}
