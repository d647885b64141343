package org.quasivm.disk.sparse;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.io.Zeros;

/**
 * Reads deflate-compressed clusters (VMDK streamOptimized grains: zlib; qcow2: raw deflate). Each reading
 * thread keeps its own inflater, buffers and its last decompressed cluster, so small sequential reads inside
 * one cluster inflate it once and readers never contend.
 */
public final class CompressedClusterReader {
    private final ImageFile file;
    private final int clusterSize;
    private final boolean zlibWrapper;
    private final int maxCompressed;
    private final ThreadLocal<State> state;

    private static final class State {
        final Inflater inflater;
        final ByteBuffer compressed;
        final ByteBuffer cluster;
        long cachedKey = -1;

        State(boolean zlib, int maxCompressed, int clusterSize) {
            inflater = new Inflater(!zlib);
            compressed = PageAlignedBuffer.allocate(maxCompressed);
            cluster = PageAlignedBuffer.allocate(clusterSize);
        }
    }

    /** {@code maxCompressed} bounds the compressed size any cluster may claim. */
    public CompressedClusterReader(ImageFile file, int clusterSize, boolean zlibWrapper, int maxCompressed) {
        this.file = file;
        this.clusterSize = clusterSize;
        this.zlibWrapper = zlibWrapper;
        this.maxCompressed = maxCompressed;
        this.state = ThreadLocal.withInitial(() -> new State(zlibWrapper, maxCompressed, clusterSize));
    }

    public int maxCompressed() {
        return maxCompressed;
    }

    /** Copies from the cluster last decompressed by this thread if it is {@code key}; false otherwise. */
    public boolean copyCached(long key, int inCluster, ByteBuffer dst) {
        State s = state.get();
        if (s.cachedKey != key) {
            return false;
        }
        copyOut(s.cluster, inCluster, dst);
        return true;
    }

    /**
     * Inflates the {@code length} compressed bytes at {@code hostOffset} into a whole cluster ({@code what} names
     * it in errors), requiring at least {@code minOutput} bytes of output, and copies
     * {@code [inCluster, inCluster + dst.remaining())} to {@code dst}.
     */
    public void read(long key, long hostOffset, int length, int minOutput, int inCluster, ByteBuffer dst, String what)
            throws DiskImageException {
        if (length <= 0 || length > maxCompressed) {
            throw file.error(what + " claims " + length + " compressed bytes (limit " + maxCompressed + ")");
        }
        State s = state.get();
        s.cachedKey = -1;
        ByteBuffer in = s.compressed;
        in.clear();
        in.limit(length);
        file.readZeroPadded(in, hostOffset);
        in.flip();
        ByteBuffer out = s.cluster;
        out.clear();
        Inflater inf = s.inflater;
        inf.reset();
        inf.setInput(in);
        try {
            while (out.hasRemaining() && !inf.finished()) {
                int n = inf.inflate(out);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw file.error(what + " does not decompress: " + e.getMessage());
        }
        if (out.position() < minOutput) {
            throw file.error(what + " decompresses to " + out.position() + " bytes, expected " + minOutput);
        }
        Zeros.fill(out, out.remaining());
        s.cachedKey = key;
        copyOut(out, inCluster, dst);
    }

    private static void copyOut(ByteBuffer cluster, int inCluster, ByteBuffer dst) {
        int n = dst.remaining();
        dst.put(dst.position(), cluster, inCluster, n);
        dst.position(dst.position() + n);
    }

    public int clusterSize() {
        return clusterSize;
    }

    public boolean zlibWrapper() {
        return zlibWrapper;
    }
}
