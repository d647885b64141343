package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusterMap;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.CompressedClusterReader;
import org.quasivm.disk.sparse.TableCache;

/**
 * qcow2's two-level table (L1 → L2 → cluster). L2 tables are cached within a fixed memory budget. Writes
 * are ordered: refcounts raised, data written, then the L2 entry (and a new L2 table before its L1 entry),
 * and only then are replaced clusters released.
 */
final class Qcow2ClusterMap extends ClusterMap {
    static final long COPIED = 1L << 63;
    static final long COMPRESSED = 1L << 62;
    static final long ZERO_FLAG = 1L;
    static final long OFFSET_MASK = 0x00fffffffffffe00L;
    private static final long CACHE_BUDGET = 16L << 20;
    private final ImageFile file;
    private final int clusterBits;
    private final int clusterSize;
    private final int l2Bits;
    private final long l2Mask;
    private final boolean v3;
    private final boolean hasBacking;
    private final long[] l1;
    private final long l1Offset;
    private final TableCache<long[]> l2Cache;
    private final Qcow2Refcounts refcounts;
    private final CompressedClusterReader compressedReader;
    private final int compressedOffsetBits;
    private final ByteBuffer entryScratch;
    private final long virtualSize;
    private long fileLimit;

    Qcow2ClusterMap(ImageFile file, Qcow2Header h, long[] l1, Qcow2Refcounts refcounts, long fileSize) {
        this.file = file;
        this.clusterBits = h.clusterBits();
        this.clusterSize = 1 << clusterBits;
        this.l2Bits = clusterBits - 3;
        this.l2Mask = (1L << l2Bits) - 1;
        this.v3 = h.version() >= 3;
        this.hasBacking = h.backingFile() != null;
        this.l1 = l1;
        this.l1Offset = h.l1TableOffset();
        this.refcounts = refcounts;
        this.fileLimit = fileSize;
        this.virtualSize = h.size();
        this.l2Cache = new TableCache<>(TableCache.slotsFor(l1.length, clusterSize, CACHE_BUDGET), this::loadL2);
        this.compressedOffsetBits = 62 - (clusterBits - 8);
        // A compressed cluster may occupy up to 2^(clusterBits-8) sectors (the field's range) plus its first sector.
        int maxCompressed = Math.min(clusterSize * 2, (1 << (clusterBits - 8)) * 512 + 512);
        this.compressedReader = new CompressedClusterReader(file, clusterSize, false, maxCompressed);
        this.entryScratch = ByteBuffer.allocate(clusterSize).order(ByteOrder.BIG_ENDIAN);
    }

    /** Reads and validates the L1 table. */
    static long[] readL1(ImageFile file, Qcow2Header h, long fileSize) throws IOException {
        int n = h.l1Size();
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.BIG_ENDIAN);
        file.readZeroPadded(b, h.l1TableOffset());
        b.flip();
        long[] l1 = new long[n];
        b.asLongBuffer().get(l1);
        long mask = (1L << h.clusterBits()) - 1;
        for (int i = 0; i < n; i++) {
            long off = l1[i] & OFFSET_MASK;
            if (off == 0) {
                continue;
            }
            if ((off & mask) != 0) {
                throw file.error("L1 entry " + i + " (" + Long.toHexString(l1[i]) + ") is not a cluster boundary");
            }
            if (off >= fileSize) {
                throw file.error("L1 entry " + i + " points past the end of the file");
            }
            if (off < (1L << h.clusterBits())) {
                throw file.error("L1 entry " + i + " points into the header");
            }
        }
        return l1;
    }

    private long[] loadL2(long index, long[] recycled) throws IOException {
        long[] t = recycled != null ? recycled : new long[1 << l2Bits];
        long off = l1[(int) index] & OFFSET_MASK;
        ByteBuffer b = entryScratch;
        b.clear();
        file.readZeroPadded(b, off);
        b.flip();
        b.asLongBuffer().get(t);
        for (int i = 0; i < t.length; i++) {
            long e = t[i];
            if (e == 0) {
                continue;
            }
            if ((e & COMPRESSED) != 0) {
                long host = e & ((1L << compressedOffsetBits) - 1);
                if (host >= fileLimit) {
                    throw file.error("L2 table " + index + " entry " + i + " (compressed) points past the end of the file");
                }
                continue;
            }
            long host = e & OFFSET_MASK;
            if (host == 0) {
                continue;
            }
            if ((host & (clusterSize - 1)) != 0) {
                throw file.error("L2 table " + index + " entry " + i + " is not a cluster boundary");
            }
            if (host >= fileLimit) {
                throw file.error("L2 table " + index + " entry " + i + " points past the end of the file");
            }
            if (host < clusterSize) {
                throw file.error("L2 table " + index + " entry " + i + " points into the header");
            }
        }
        return t;
    }

    long[] l1() {
        return l1;
    }

    long l2Entry(long cluster) throws IOException {
        int l1i = (int) (cluster >>> l2Bits);
        if (l1i >= l1.length || (l1[l1i] & OFFSET_MASK) == 0) {
            return 0;
        }
        return l2Cache.get(l1i)[(int) (cluster & l2Mask)];
    }

    int compressedOffsetBits() {
        return compressedOffsetBits;
    }

    @Override
    public int clusterBits() {
        return clusterBits;
    }

    @Override
    public long lookup(long cluster) throws IOException {
        long e = l2Entry(cluster);
        if ((e & COMPRESSED) != 0) {
            return SPECIAL;
        }
        if (v3 && (e & ZERO_FLAG) != 0) {
            return ZERO;
        }
        long host = e & OFFSET_MASK;
        return host == 0 ? UNALLOCATED : host;
    }

    @Override
    public void readSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer dst) throws IOException {
        long e;
        store.metadataLock().lock();
        try {
            e = l2Entry(cluster);
        } finally {
            store.metadataLock().unlock();
        }
        long host = e & ((1L << compressedOffsetBits) - 1);
        if (compressedReader.copyCached(host, inCluster, dst)) {
            return;
        }
        long sectors = ((e & ~COPIED & ~COMPRESSED) >>> compressedOffsetBits) + 1;
        int length = (int) (sectors * 512 - (host & 511));
        int valid = (int) Math.min(clusterSize, virtualSize - (cluster << clusterBits));
        compressedReader.read(host, host, length, valid, inCluster, dst,
                "compressed cluster " + cluster + " at offset " + host);
    }

    /** The host byte ranges a compressed entry's data occupies: [first, last] cluster indexes. */
    long[] compressedSpan(long e) {
        long host = e & ((1L << compressedOffsetBits) - 1);
        long sectors = ((e & ~COPIED & ~COMPRESSED) >>> compressedOffsetBits) + 1;
        long end = (host & ~511L) + sectors * 512;
        return new long[] {host >>> clusterBits, (end - 1) >>> clusterBits};
    }

    @Override
    public long allocate(long firstCluster, int count) throws IOException {
        for (long l1i = firstCluster >>> l2Bits; l1i <= (firstCluster + count - 1) >>> l2Bits; l1i++) {
            ensureL2(l1i);
        }
        long start = refcounts.allocate(count);
        fileLimit = Math.max(fileLimit, (start + count) << clusterBits);
        return start << clusterBits;
    }

    /** Creates an empty L2 table for {@code l1i}: the table is written before the L1 entry points at it. */
    private void ensureL2(long l1i) throws IOException {
        if ((l1[(int) l1i] & OFFSET_MASK) != 0) {
            return;
        }
        long c = refcounts.allocate(1);
        long off = c << clusterBits;
        fileLimit = Math.max(fileLimit, off + clusterSize);
        file.writeFully(ByteBuffer.allocate(clusterSize), off);
        ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        e.putLong(0, off | COPIED);
        file.writeFully(e, l1Offset + l1i * 8);
        l1[(int) l1i] = off | COPIED;
        l2Cache.invalidate(l1i);
    }

    @Override
    public void publish(long firstCluster, int count, long hostOffset) throws IOException {
        setEntries(firstCluster, count, hostOffset | COPIED, clusterSize);
    }

    /** Writes entries {@code value + i*step} for clusters first..first+count-1, then releases what they replaced. */
    private void setEntries(long first, int count, long value, long step) throws IOException {
        long c = first;
        int done = 0;
        while (done < count) {
            int l1i = (int) (c >>> l2Bits);
            int from = (int) (c & l2Mask);
            int n = (int) Math.min(count - done, (1L << l2Bits) - from);
            long[] l2 = l2Cache.get(l1i);
            ByteBuffer b = entryScratch;
            b.clear();
            long[] replaced = null;
            for (int i = 0; i < n; i++) {
                long old = l2[from + i];
                long v = value + (step * (done + i));
                if (old != 0 && ((old & COMPRESSED) != 0 || (old & OFFSET_MASK) != 0)) {
                    if (replaced == null) {
                        replaced = new long[n];
                    }
                    replaced[i] = old;
                }
                b.putLong(v);
                l2[from + i] = v;
            }
            b.flip();
            file.writeFully(b, (l1[l1i] & OFFSET_MASK) + from * 8L);
            if (replaced != null) {
                for (long old : replaced) {
                    if (old != 0) {
                        release(old);
                    }
                }
            }
            done += n;
            c += n;
        }
    }

    /** Lowers the refcounts of what an L2 entry pointed at. */
    private void release(long entry) throws IOException {
        if ((entry & COMPRESSED) != 0) {
            long[] span = compressedSpan(entry);
            refcounts.addRange(span[0], span[1] - span[0] + 1, -1);
        } else {
            refcounts.addRange((entry & OFFSET_MASK) >>> clusterBits, 1, -1);
        }
    }

    @Override
    public boolean canMarkZero() {
        return refcounts != null && (v3 || !hasBacking);
    }

    /** v3: the zero flag (shadows a backing file); v2 without backing: unallocated reads as zero too. */
    @Override
    public void markZero(long cluster) throws IOException {
        ensureL2(cluster >>> l2Bits);
        setEntries(cluster, 1, v3 ? ZERO_FLAG : 0, 0);
    }

    /** Points a cluster at compressed data: {@code length} bytes at {@code host}, whose refcounts are raised. */
    void publishCompressed(long cluster, long host, int length) throws IOException {
        ensureL2(cluster >>> l2Bits);
        long extraSectors = ((host + length - 1) >>> 9) - (host >>> 9);
        setEntries(cluster, 1, COMPRESSED | (extraSectors << compressedOffsetBits) | host, 0);
    }

    void noteFileLimit(long limit) {
        fileLimit = Math.max(fileLimit, limit);
    }

    @Override
    public long allocatedClusters() throws IOException {
        long n = 0;
        for (int i = 0; i < l1.length; i++) {
            if ((l1[i] & OFFSET_MASK) == 0) {
                continue;
            }
            for (long e : l2Cache.get(i)) {
                if ((e & COMPRESSED) != 0 || (!(v3 && (e & ZERO_FLAG) != 0) && (e & OFFSET_MASK) != 0)) {
                    n++;
                }
            }
        }
        return n;
    }
}
