package org.quasivm.disk.sparse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.Extent;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.io.Zeros;

/**
 * The format-independent engine of a sparse image (or of one sparse extent of a multi-file VMDK): splits
 * requests into clusters, coalesces clusters that are contiguous on the host into one positional read or write,
 * sends unallocated reads to the parent, copies partially written clusters on write, and keeps zero clusters
 * unallocated.
 *
 * <p>Locking: lookups and metadata updates run under {@link #metadataLock()}, held only for the table work,
 * never during data I/O. Writers are serialised by a second lock. A new cluster's data is written before its
 * table entry is published, so a concurrent reader (or a crash) sees either the old state or the new data,
 * never an entry pointing at unwritten space.
 */
public final class ClusteredStore {
    private final ImageFile file;
    private final ClusterMap map;
    private final long size;
    private final int bits;
    private final int clusterSize;
    private final long mask;
    private final ReentrantLock metadataLock = new ReentrantLock();
    private final ReentrantLock writerLock = new ReentrantLock();
    private volatile BlockDevice fallback;
    private volatile long fallbackOffset;
    private ByteBuffer cowBuffer;
    private ByteBuffer zeroCluster;

    public ClusteredStore(ImageFile file, ClusterMap map, long size) {
        this.file = file;
        this.map = map;
        this.size = size;
        this.bits = map.clusterBits();
        this.clusterSize = 1 << bits;
        this.mask = clusterSize - 1L;
    }

    public ImageFile file() {
        return file;
    }

    public long size() {
        return size;
    }

    public int clusterSize() {
        return clusterSize;
    }

    public ReentrantLock metadataLock() {
        return metadataLock;
    }

    /** Where unallocated reads go: {@code device} at {@code offset + deviceOffset}; null means zeros. */
    public void setFallback(BlockDevice device, long deviceOffset) {
        this.fallbackOffset = deviceOffset;
        this.fallback = device;
    }

    public boolean hasFallback() {
        return fallback != null;
    }

    /** Reads {@code dst.remaining()} bytes of the layer below at {@code offset} (zeros past its end). */
    public void readFallback(long offset, ByteBuffer dst) throws IOException {
        BlockDevice fb = fallback;
        if (fb == null) {
            Zeros.fill(dst, dst.remaining());
            return;
        }
        long p = offset + fallbackOffset;
        long avail = Math.max(0, fb.size() - p);
        int n = dst.remaining();
        if (avail >= n) {
            fb.read(p, dst);
            return;
        }
        if (avail > 0) {
            int oldLimit = dst.limit();
            dst.limit(dst.position() + (int) avail);
            fb.read(p, dst);
            dst.limit(oldLimit);
        }
        Zeros.fill(dst, dst.remaining());
    }

    public void read(long offset, ByteBuffer dst) throws IOException {
        long off = offset;
        while (dst.hasRemaining()) {
            long cluster = off >>> bits;
            int in = (int) (off & mask);
            int want = dst.remaining();
            long host;
            long run = clusterSize - in;
            metadataLock.lock();
            try {
                host = map.lookup(cluster);
                if (host != ClusterMap.SPECIAL) {
                    long c = cluster + 1;
                    while (run < want) {
                        long next = map.lookup(c);
                        if (host >= 0 ? next != host + ((c - cluster) << bits) : next != host) {
                            break;
                        }
                        run += clusterSize;
                        c++;
                    }
                }
            } finally {
                metadataLock.unlock();
            }
            int n = (int) Math.min(run, want);
            int oldLimit = dst.limit();
            dst.limit(dst.position() + n);
            try {
                if (host >= 0) {
                    file.readZeroPadded(dst, host + in);
                } else if (host == ClusterMap.ZERO) {
                    Zeros.fill(dst, n);
                } else if (host == ClusterMap.UNALLOCATED) {
                    readFallback(off, dst);
                } else {
                    map.readSpecial(this, cluster, in, dst);
                }
            } finally {
                dst.limit(oldLimit);
            }
            off += n;
        }
    }

    public void write(long offset, ByteBuffer src) throws IOException {
        writerLock.lock();
        try {
            long off = offset;
            while (src.hasRemaining()) {
                long cluster = off >>> bits;
                int in = (int) (off & mask);
                int want = src.remaining();
                long host;
                long run = clusterSize - in;
                metadataLock.lock();
                try {
                    host = map.lookup(cluster);
                    if (host >= 0) {
                        long c = cluster + 1;
                        while (run < want && map.lookup(c) == host + ((c - cluster) << bits)) {
                            run += clusterSize;
                            c++;
                        }
                    }
                } finally {
                    metadataLock.unlock();
                }
                int n;
                if (host >= 0) {
                    n = (int) Math.min(run, want);
                    writeAt(src, n, host + in);
                } else if (host == ClusterMap.SPECIAL && map.specialWritesInPlace()) {
                    n = (int) Math.min(clusterSize - in, want);
                    int oldLimit = src.limit();
                    src.limit(src.position() + n);
                    try {
                        map.writeSpecial(this, cluster, in, src);
                    } finally {
                        src.limit(oldLimit);
                    }
                } else if (in == 0 && want >= clusterSize) {
                    n = writeNewClusters(cluster, src);
                } else {
                    n = Math.min(clusterSize - in, want);
                    writePartialNewCluster(cluster, in, host, src, n);
                }
                off += n;
            }
        } finally {
            writerLock.unlock();
        }
    }

    private void writeAt(ByteBuffer src, int n, long hostOffset) throws IOException {
        int oldLimit = src.limit();
        src.limit(src.position() + n);
        try {
            file.writeFully(src, hostOffset);
        } finally {
            src.limit(oldLimit);
        }
    }

    /** True when writing zeros over this cluster can be skipped: it already reads zero without a parent. */
    private boolean readsZeroWithoutData(long host) {
        return host == ClusterMap.ZERO || (host == ClusterMap.UNALLOCATED && fallback == null);
    }

    /**
     * Writes whole clusters starting at {@code first}, none of them allocated: zero clusters that already read as
     * zeros are skipped, the rest are allocated back to back, written with one call and then published.
     * Returns the bytes consumed.
     */
    private int writeNewClusters(long first, ByteBuffer src) throws IOException {
        int maxRun = Math.min(map.maxAllocationRun(), src.remaining() >>> bits);
        int pos = src.position();
        int count = 0;
        metadataLock.lock();
        try {
            while (count < maxRun) {
                long host = map.lookup(first + count);
                if (host >= 0 || (host == ClusterMap.SPECIAL && map.specialWritesInPlace())) {
                    break;
                }
                boolean zero = Zeros.isZero(src, pos + (count << bits), pos + ((count + 1) << bits));
                if (zero && readsZeroWithoutData(host)) {
                    if (count == 0) {
                        src.position(pos + clusterSize);
                        return clusterSize;
                    }
                    break;
                }
                count++;
            }
        } finally {
            metadataLock.unlock();
        }
        if (count == 0) {
            throw new IllegalStateException("cluster " + first + " changed under the writer lock");
        }
        long host;
        metadataLock.lock();
        try {
            host = map.allocate(first, count);
        } finally {
            metadataLock.unlock();
        }
        writeAt(src, count << bits, host);
        metadataLock.lock();
        try {
            map.publish(first, count, host);
        } finally {
            metadataLock.unlock();
        }
        return count << bits;
    }

    private void writePartialNewCluster(long cluster, int in, long host, ByteBuffer src, int n) throws IOException {
        int pos = src.position();
        if (readsZeroWithoutData(host) && Zeros.isZero(src, pos, pos + n)) {
            src.position(pos + n);
            return;
        }
        if (host == ClusterMap.UNALLOCATED && map.allocatesEmpty()) {
            metadataLock.lock();
            try {
                map.allocateEmpty(cluster);
            } finally {
                metadataLock.unlock();
            }
            int oldLimit = src.limit();
            src.limit(pos + n);
            try {
                map.writeSpecial(this, cluster, in, src);
            } finally {
                src.limit(oldLimit);
            }
            return;
        }
        long clusterStart = cluster << bits;
        if (host == ClusterMap.UNALLOCATED && fallback == null && map.freshClustersReadZero()) {
            long h;
            metadataLock.lock();
            try {
                h = map.allocate(cluster, 1);
            } finally {
                metadataLock.unlock();
            }
            writeAt(src, n, h + in);
            metadataLock.lock();
            try {
                map.publish(cluster, 1, h);
            } finally {
                metadataLock.unlock();
            }
            return;
        }
        // Copy on write: the cluster's current contents (parent, zeros or decompressed), overlaid with the new bytes.
        ByteBuffer cow = cowBuffer();
        cow.clear();
        int valid = (int) Math.min(clusterSize, size - clusterStart);
        cow.limit(valid);
        read(clusterStart, cow);
        cow.limit(clusterSize);
        Zeros.fill(cow, clusterSize - valid);
        cow.clear();
        cow.position(in);
        int oldLimit = src.limit();
        src.limit(pos + n);
        cow.put(src);
        src.limit(oldLimit);
        cow.clear();
        long h;
        metadataLock.lock();
        try {
            h = map.allocate(cluster, 1);
        } finally {
            metadataLock.unlock();
        }
        file.writeFully(cow, h);
        metadataLock.lock();
        try {
            map.publish(cluster, 1, h);
        } finally {
            metadataLock.unlock();
        }
    }

    private ByteBuffer cowBuffer() {
        if (cowBuffer == null) {
            cowBuffer = PageAlignedBuffer.allocate(clusterSize);
        }
        return cowBuffer;
    }

    public void writeZeros(long offset, long length) throws IOException {
        writerLock.lock();
        try {
            long off = offset;
            long end = offset + length;
            while (off < end) {
                long cluster = off >>> bits;
                int in = (int) (off & mask);
                long n = Math.min(clusterSize - in, end - off);
                if (in == 0 && n == clusterSize) {
                    long host;
                    metadataLock.lock();
                    try {
                        host = map.lookup(cluster);
                        if (!readsZeroWithoutData(host) && map.canMarkZero()) {
                            map.markZero(cluster);
                            host = ClusterMap.ZERO;
                        }
                    } finally {
                        metadataLock.unlock();
                    }
                    if (!readsZeroWithoutData(host)) {
                        write(off, zeroCluster());
                    }
                } else {
                    ByteBuffer z = zeroCluster();
                    z.limit((int) n);
                    write(off, z);
                }
                off += n;
            }
        } finally {
            writerLock.unlock();
        }
    }

    /** Releases whole clusters the format can mark zero; other bytes are left as they are. */
    public void discard(long offset, long length) throws IOException {
        if (!map.canMarkZero()) {
            return;
        }
        writerLock.lock();
        try {
            long first = (offset + mask) >>> bits;
            long endCluster = (offset + length) >>> bits;
            metadataLock.lock();
            try {
                for (long c = first; c < endCluster; c++) {
                    if (!readsZeroWithoutData(map.lookup(c))) {
                        map.markZero(c);
                    }
                }
            } finally {
                metadataLock.unlock();
            }
        } finally {
            writerLock.unlock();
        }
    }

    private ByteBuffer zeroCluster() {
        if (zeroCluster == null) {
            zeroCluster = PageAlignedBuffer.allocate(clusterSize);
        }
        zeroCluster.clear();
        return zeroCluster;
    }

    /** The run starting at {@code offset} with one allocation state in this layer (capped at 1 GiB). */
    public Extent layerExtentAt(long offset) throws IOException {
        long cluster = offset >>> bits;
        long limit = Math.min(size, offset + (1L << 30));
        metadataLock.lock();
        try {
            Extent.Kind kind = kindOf(map.lookup(cluster));
            long end = Math.min(limit, (cluster + 1) << bits);
            while (end < limit && kindOf(map.lookup(end >>> bits)) == kind) {
                end = Math.min(limit, end + clusterSize);
            }
            return new Extent(offset, end - offset, kind);
        } finally {
            metadataLock.unlock();
        }
    }

    private static Extent.Kind kindOf(long host) {
        if (host == ClusterMap.UNALLOCATED) {
            return Extent.Kind.UNALLOCATED;
        }
        return host == ClusterMap.ZERO ? Extent.Kind.ZERO : Extent.Kind.DATA;
    }

    public long allocatedBytes() throws IOException {
        metadataLock.lock();
        try {
            return Math.min(size, map.allocatedClusters() << bits);
        } finally {
            metadataLock.unlock();
        }
    }

    public void flush() throws IOException {
        writerLock.lock();
        try {
            metadataLock.lock();
            try {
                map.flush();
            } finally {
                metadataLock.unlock();
            }
            file.sync();
        } finally {
            writerLock.unlock();
        }
    }
}
