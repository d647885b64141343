package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.TableCache;

/**
 * Refcount table and refcount blocks of a writable qcow2, and the cluster allocator. Clusters are only ever
 * appended at the end of the file (never reused), and a cluster's refcount is raised before anything points
 * at it: a crash can leak clusters but never leave a referenced cluster with refcount 0.
 * Used under the image's metadata lock.
 */
final class Qcow2Refcounts {
    private static final long CACHE_BUDGET = 4L << 20;
    private final ImageFile file;
    private final int clusterBits;
    private final int clusterSize;
    private final int refcountBits;
    private final long entriesPerBlock;
    private final long maxRefcount;
    private final TableCache<byte[]> blocks;
    private long[] table;
    private long tableOffset;
    private int tableClusters;
    private boolean deferTableWrites;
    private long nextFree;

    Qcow2Refcounts(ImageFile file, Qcow2Header h, long[] table, long fileSize) {
        this.file = file;
        this.clusterBits = h.clusterBits();
        this.clusterSize = 1 << clusterBits;
        this.refcountBits = 1 << h.refcountOrder();
        this.entriesPerBlock = ((long) clusterSize * 8) / refcountBits;
        this.maxRefcount = refcountBits == 64 ? Long.MAX_VALUE : (1L << refcountBits) - 1;
        this.table = table;
        this.tableOffset = h.refcountTableOffset();
        this.tableClusters = h.refcountTableClusters();
        this.nextFree = (fileSize + clusterSize - 1) >>> clusterBits;
        this.blocks = new TableCache<>(TableCache.slotsFor(table.length, clusterSize, CACHE_BUDGET), this::loadBlock);
    }

    /** Reads the refcount table (entries must be cluster-aligned and inside the file). */
    static long[] readTable(ImageFile file, Qcow2Header h, long fileSize) throws IOException {
        long bytes = (long) h.refcountTableClusters() << h.clusterBits();
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.BIG_ENDIAN);
        file.readZeroPadded(b, h.refcountTableOffset());
        b.flip();
        long[] t = new long[(int) (bytes / 8)];
        b.asLongBuffer().get(t);
        long mask = (1L << h.clusterBits()) - 1;
        for (int i = 0; i < t.length; i++) {
            long off = t[i];
            if (off == 0) {
                continue;
            }
            if ((off & mask) != 0 || off < 0) {
                throw file.error("refcount table entry " + i + " (" + Long.toUnsignedString(off)
                        + ") is not a cluster boundary");
            }
            if (off >= fileSize) {
                throw file.error("refcount table entry " + i + " points past the end of the file");
            }
        }
        return t;
    }

    private byte[] loadBlock(long index, byte[] recycled) throws IOException {
        byte[] b = recycled != null ? recycled : new byte[clusterSize];
        long off = table[(int) index];
        if (off == 0) {
            Arrays.fill(b, (byte) 0);
            return b;
        }
        file.readZeroPadded(ByteBuffer.wrap(b), off);
        return b;
    }

    long tableOffset() {
        return tableOffset;
    }

    int tableClusters() {
        return tableClusters;
    }

    long[] table() {
        return table;
    }

    long refcountBits() {
        return refcountBits;
    }

    long nextFreeCluster() {
        return nextFree;
    }

    long entriesPerBlock() {
        return entriesPerBlock;
    }

    /** The refcount of a cluster (0 when no refcount block covers it). */
    long get(long cluster) throws IOException {
        long idx = cluster / entriesPerBlock;
        if (idx >= table.length || table[(int) idx] == 0) {
            return 0;
        }
        return entry(blocks.get(idx), (int) (cluster % entriesPerBlock));
    }

    long entry(byte[] block, int i) {
        switch (refcountBits) {
            case 1, 2, 4 -> {
                int perByte = 8 / refcountBits;
                int shift = (i % perByte) * refcountBits;
                return ((block[i / perByte] & 0xff) >>> shift) & ((1 << refcountBits) - 1);
            }
            case 8 -> {
                return block[i] & 0xffL;
            }
            case 16 -> {
                return ((block[2 * i] & 0xffL) << 8) | (block[2 * i + 1] & 0xffL);
            }
            case 32 -> {
                long v = 0;
                for (int k = 0; k < 4; k++) {
                    v = (v << 8) | (block[4 * i + k] & 0xffL);
                }
                return v;
            }
            default -> {
                long v = 0;
                for (int k = 0; k < 8; k++) {
                    v = (v << 8) | (block[8 * i + k] & 0xffL);
                }
                return v;
            }
        }
    }

    private void setEntry(byte[] block, int i, long v) {
        switch (refcountBits) {
            case 1, 2, 4 -> {
                int perByte = 8 / refcountBits;
                int shift = (i % perByte) * refcountBits;
                int m = ((1 << refcountBits) - 1) << shift;
                block[i / perByte] = (byte) ((block[i / perByte] & ~m) | ((int) v << shift & m));
            }
            case 8 -> block[i] = (byte) v;
            case 16 -> {
                block[2 * i] = (byte) (v >>> 8);
                block[2 * i + 1] = (byte) v;
            }
            case 32 -> {
                for (int k = 3; k >= 0; k--) {
                    block[4 * i + k] = (byte) v;
                    v >>>= 8;
                }
            }
            default -> {
                for (int k = 7; k >= 0; k--) {
                    block[8 * i + k] = (byte) v;
                    v >>>= 8;
                }
            }
        }
    }

    /** Byte range [from, to) of a block holding entries [first, first+count). */
    private int byteOf(int entry) {
        return (int) (((long) entry * refcountBits) >>> 3);
    }

    /**
     * Reserves {@code count} clusters back to back at the end of the file, with refcount 1, and returns the
     * index of the first. Refcount blocks they need are placed behind them.
     */
    long allocate(int count) throws IOException {
        long start = nextFree;
        nextFree += count;
        for (long c = start; c < start + count; c += entriesPerBlock - (c % entriesPerBlock)) {
            ensureBlock(c);
        }
        addRange(start, count, 1);
        return start;
    }

    /** Adds {@code delta} to the refcounts of clusters [first, first+count), writing each block's range once. */
    void addRange(long first, long count, long delta) throws IOException {
        long c = first;
        long end = first + count;
        while (c < end) {
            long idx = c / entriesPerBlock;
            int from = (int) (c % entriesPerBlock);
            int n = (int) Math.min(end - c, entriesPerBlock - from);
            if (idx >= table.length || table[(int) idx] == 0) {
                throw file.error("cluster " + c + " has no refcount block");
            }
            byte[] block = blocks.get(idx);
            for (int i = from; i < from + n; i++) {
                long v = entry(block, i) + delta;
                if (v < 0 || v > maxRefcount) {
                    throw file.error("refcount of cluster " + (idx * entriesPerBlock + i) + " would become " + v);
                }
                setEntry(block, i, v);
            }
            int b0 = byteOf(from);
            int b1 = byteOf(from + n - 1) + Math.max(1, refcountBits / 8);
            file.writeFully(ByteBuffer.wrap(block, b0, b1 - b0), table[(int) idx] + b0);
            c += n;
        }
    }

    /** Sets the refcount of one cluster (used by the repair of leaked clusters). */
    void set(long cluster, long value) throws IOException {
        long cur = get(cluster);
        if (cur != value) {
            addRange(cluster, 1, value - cur);
        }
    }

    /** Makes sure a refcount block covers {@code cluster}, creating it (and growing the table) if needed. */
    void ensureBlock(long cluster) throws IOException {
        long idx = cluster / entriesPerBlock;
        if (idx >= table.length) {
            growTable(idx);
        }
        if (table[(int) idx] != 0) {
            return;
        }
        long at = nextFree++;
        boolean self = at / entriesPerBlock == idx;
        if (!self) {
            // The new block's own refcount lives in another block: raise it before anything points here.
            ensureBlock(at);
            addRange(at, 1, 1);
        }
        byte[] fresh = new byte[clusterSize];
        if (self) {
            setEntry(fresh, (int) (at % entriesPerBlock), 1);
        }
        file.writeFully(ByteBuffer.wrap(fresh), at << clusterBits);
        table[(int) idx] = at << clusterBits;
        blocks.invalidate(idx);
        if (!deferTableWrites) {
            ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            e.putLong(0, at << clusterBits);
            file.writeFully(e, tableOffset + idx * 8);
        }
    }

    /**
     * Moves the refcount table to a bigger copy at the end of the file: blocks created meanwhile are recorded
     * only in the new table, which is written and synced before the header switches to it; the old table's
     * clusters are released afterwards.
     */
    private void growTable(long neededIndex) throws IOException {
        if (deferTableWrites) {
            throw file.error("refcount table growth recursed (image too large)");
        }
        int perCluster = clusterSize / 8;
        long want = Math.max(neededIndex + 1, (long) table.length * 2);
        want = (want + perCluster - 1) / perCluster * perCluster;
        if (want * 8 > Qcow2Header.MAX_REFTABLE_BYTES) {
            throw file.error("refcount table would exceed 8 MiB (image too large for its cluster size)");
        }
        long[] old = table;
        long oldOffset = tableOffset;
        int oldClusters = tableClusters;
        table = Arrays.copyOf(old, (int) want);
        deferTableWrites = true;
        int newClusters = (int) (want * 8 / clusterSize);
        long start = nextFree;
        nextFree += newClusters;
        try {
            for (long c = start; c < start + newClusters; c++) {
                ensureBlock(c);
            }
            addRange(start, newClusters, 1);
        } finally {
            deferTableWrites = false;
        }
        ByteBuffer t = ByteBuffer.allocate(newClusters << clusterBits).order(ByteOrder.BIG_ENDIAN);
        t.asLongBuffer().put(table);
        file.writeFully(t, start << clusterBits);
        file.sync();
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        h.putLong(0, start << clusterBits);
        h.putInt(8, newClusters);
        file.writeFully(h, 48);
        file.sync();
        tableOffset = start << clusterBits;
        tableClusters = newClusters;
        addRange(oldOffset >>> clusterBits, oldClusters, -1);
    }
}
