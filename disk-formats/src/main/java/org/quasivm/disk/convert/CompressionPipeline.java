package org.quasivm.disk.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.Deflater;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.io.CompressedClusterSink;
import org.quasivm.disk.io.PageAlignedBuffer;

/**
 * Deflates clusters on several threads and hands them to a {@link CompressedClusterSink} in ascending order.
 * The caller fills batches of consecutive clusters; each batch is compressed by one task; finished batches
 * are written in order while later ones are still compressing. Batches and their buffers are recycled, so
 * memory stays at {@code window} batches however large the disk.
 */
final class CompressionPipeline implements AutoCloseable {
    static final int BATCH_BYTES = 1 << 20;
    private final CompressedClusterSink sink;
    private final int clusterSize;
    private final int clustersPerBatch;
    private final Executor executor;
    private final ExecutorService ownPool;
    private final int window;
    private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Batch> free = new ArrayDeque<>();
    private final ThreadLocal<Worker> workers;
    private final java.nio.file.Path target;

    /** Consecutive clusters starting at {@link #firstCluster}; {@code skip[i]} marks all-zero clusters. */
    final class Batch {
        final ByteBuffer raw;
        final ByteBuffer[] out;
        final boolean[] skip;
        long firstCluster;
        int count;
        CompletableFuture<Void> done;

        Batch() {
            raw = PageAlignedBuffer.allocate(clustersPerBatch * clusterSize);
            out = new ByteBuffer[clustersPerBatch];
            skip = new boolean[clustersPerBatch];
            for (int i = 0; i < clustersPerBatch; i++) {
                out[i] = PageAlignedBuffer.allocate(clusterSize + clusterSize / 8 + 1024);
            }
        }

        ByteBuffer raw() {
            return raw;
        }
    }

    CompressionPipeline(CompressedClusterSink sink, int threads, ExecutorService executor, int level,
                        java.nio.file.Path target) {
        this.sink = sink;
        this.target = target;
        this.clusterSize = sink.compressedClusterSize();
        this.clustersPerBatch = Math.max(1, BATCH_BYTES / clusterSize);
        this.window = threads * 2 + 1;
        if (executor != null) {
            this.executor = executor;
            this.ownPool = null;
        } else {
            this.ownPool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "disk-deflate");
                t.setDaemon(true);
                return t;
            });
            this.executor = ownPool;
        }
        boolean zlib = sink.zlibWrapper();
        this.workers = ThreadLocal.withInitial(() -> new Worker(new Deflater(level, !zlib),
                new Deflater(Deflater.NO_COMPRESSION, !zlib), new IncompressibleCheck()));
    }

    int clusterSize() {
        return clusterSize;
    }

    int batchBytes() {
        return clustersPerBatch * clusterSize;
    }

    /** A batch to fill (its raw buffer cleared); writes finished batches first when the window is full. */
    Batch acquire() throws IOException {
        while (inFlight.size() >= window) {
            writeOldest();
        }
        Batch b = free.poll();
        if (b == null) {
            b = new Batch();
        }
        b.raw.clear();
        return b;
    }

    /** Compresses clusters {@code [0, count)} of the batch (all-zero ones skipped) on the pool. */
    void submit(Batch b, long firstCluster, int count) {
        b.firstCluster = firstCluster;
        b.count = count;
        for (int i = 0; i < count; i++) {
            b.skip[i] = org.quasivm.disk.io.Zeros.isZero(b.raw, i * clusterSize, (i + 1) * clusterSize);
        }
        b.done = CompletableFuture.runAsync(() -> compress(b), executor);
        inFlight.add(b);
    }

    /**
     * A compression thread's tools: the deflater at the chosen level, one that only frames data in stored blocks
     * (for clusters {@link IncompressibleCheck} says deflate cannot shrink), and that check.
     */
    private record Worker(Deflater deflater, Deflater storer, IncompressibleCheck check) { }

    private void compress(Batch b) {
        Worker w = workers.get();
        ByteBuffer in = b.raw.duplicate();
        for (int i = 0; i < b.count; i++) {
            if (b.skip[i]) {
                continue;
            }
            in.limit((i + 1) * clusterSize);
            in.position(i * clusterSize);
            Deflater d = w.check().incompressible(b.raw, i * clusterSize, clusterSize) ? w.storer() : w.deflater();
            ByteBuffer out = b.out[i];
            out.clear();
            d.reset();
            d.setInput(in);
            d.finish();
            while (!d.finished()) {
                if (d.deflate(out) == 0 && !out.hasRemaining()) {
                    throw new IllegalStateException("compressed cluster exceeds its buffer");
                }
            }
            out.flip();
        }
    }

    private void writeOldest() throws IOException {
        Batch b = inFlight.poll();
        try {
            b.done.join();
        } catch (CompletionException e) {
            throw new DiskImageException(target, "compression failed: " + e.getCause().getMessage(), e.getCause());
        }
        ByteBuffer raw = b.raw.duplicate();
        for (int i = 0; i < b.count; i++) {
            if (b.skip[i]) {
                continue;
            }
            raw.limit((i + 1) * clusterSize);
            raw.position(i * clusterSize);
            sink.writeCompressed(b.firstCluster + i, b.out[i], raw);
        }
        free.add(b);
    }

    /** Writes everything still in flight. */
    void finish() throws IOException {
        while (!inFlight.isEmpty()) {
            writeOldest();
        }
    }

    /** Waits for running tasks (they use the batches' buffers) and stops the private pool. */
    @Override
    public void close() {
        for (Batch b : inFlight) {
            try {
                b.done.join();
            } catch (CompletionException ignored) {
                // already failing or cancelled
            }
        }
        inFlight.clear();
        if (ownPool != null) {
            ownPool.shutdownNow();
        }
    }
}
