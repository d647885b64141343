package org.quasivm.disk.sparse;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The format-specific half of a sparse image: where each fixed-size cluster (qcow2 cluster, VMDK grain,
 * VHD/VDI block) lives in the host file, and how new clusters are allocated. {@link ClusteredStore} does the
 * rest. Methods marked "metadata lock" are only called while the store's metadata lock is held.
 */
public abstract class ClusterMap {
    /** Not stored in this layer: the parent (or zeros) shows through. */
    public static final long UNALLOCATED = -1;
    /** Stored as "reads zero" without data (shadows the parent). */
    public static final long ZERO = -2;
    /** Needs format code to read: compressed, or allocated per sector. */
    public static final long SPECIAL = -3;

    /** log2 of the cluster size in bytes. */
    public abstract int clusterBits();

    /** Host byte offset of the cluster's first byte, or UNALLOCATED, ZERO or SPECIAL. Metadata lock. */
    public abstract long lookup(long cluster) throws IOException;

    /**
     * Reserves {@code count} new clusters that lie back to back in the host file and returns the offset of the
     * first. The caller writes the data there, then calls {@link #publish}. Metadata lock.
     */
    public abstract long allocate(long firstCluster, int count) throws IOException;

    /** Points clusters {@code first .. first+count-1} at their freshly written data. Metadata lock. */
    public abstract void publish(long firstCluster, int count, long hostOffset) throws IOException;

    /** The most clusters one {@link #allocate} call may cover (1 when clusters are not contiguous on the host). */
    public int maxAllocationRun() {
        return 4096;
    }

    /** True when a freshly allocated cluster reads as zeros where nothing was written (no fill needed). */
    public boolean freshClustersReadZero() {
        return false;
    }

    /** Reads part of a SPECIAL cluster into {@code dst} (exactly {@code dst.remaining()} bytes). No lock held. */
    public void readSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer dst) throws IOException {
        throw new IllegalStateException("format has no special clusters");
    }

    /** True when SPECIAL clusters are written in place by {@link #writeSpecial} (else they are copied on write). */
    public boolean specialWritesInPlace() {
        return false;
    }

    /** Writes part of a SPECIAL cluster in place. Only called when {@link #specialWritesInPlace()}. Writer lock. */
    public void writeSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer src) throws IOException {
        throw new IllegalStateException("format writes no special clusters in place");
    }

    /**
     * True when a partial write to an unallocated cluster allocates it empty and writes in place (VHD
     * differencing: a sector bitmap says which sectors the layer holds), instead of copying the whole cluster.
     */
    public boolean allocatesEmpty() {
        return false;
    }

    /** Allocates an empty cluster; afterwards {@link #lookup} returns SPECIAL for it. Metadata lock. */
    public void allocateEmpty(long cluster) throws IOException {
        throw new IllegalStateException("format does not allocate empty clusters");
    }

    /** True when {@link #markZero} is supported. */
    public boolean canMarkZero() {
        return false;
    }

    /** Makes the cluster read as zeros without data, releasing its space where possible. Metadata lock. */
    public void markZero(long cluster) throws IOException {
        throw new IllegalStateException("format cannot mark clusters zero");
    }

    /** Number of clusters stored in this layer (data or special). Metadata lock. */
    public abstract long allocatedClusters() throws IOException;

    /** Called by {@link ClusteredStore#flush()} before the file is synced. */
    public void flush() throws IOException {
    }
}
