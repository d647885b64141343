package org.quasivm.disk.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A target that stores deflate-compressed clusters (qcow2 compressed clusters, VMDK streamOptimized grains).
 * The converter compresses clusters on several threads and hands them over here in ascending order.
 */
public interface CompressedClusterSink {

    /** Bytes per cluster (or grain); every raw cluster handed over is this long (the last one zero-padded). */
    int compressedClusterSize();

    /** True for a zlib stream (VMDK), false for raw deflate (qcow2). */
    boolean zlibWrapper();

    /**
     * Stores cluster {@code cluster}: {@code compressed} holds its deflate stream, {@code raw} the uncompressed
     * bytes (the sink may store those instead when compression did not help). Called in ascending order.
     */
    void writeCompressed(long cluster, ByteBuffer compressed, ByteBuffer raw) throws IOException;
}
