package org.quasivm.disk.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.io.PageAlignedBuffer;

/**
 * Reads a device front to back on a helper thread, a few chunks ahead of the consumer, so reading the
 * source overlaps writing the target (the two use different cores). Known-zero extents are passed on as
 * zero chunks without reading. Buffers circulate between a free queue and a full queue: no allocation per chunk.
 */
final class ReadAhead implements AutoCloseable {
    static final int CHUNK = 4 << 20;
    private static final int BUFFERS = 3;

    /** A piece of the source: {@code data} null means {@code length} known-zero bytes. */
    static final class Chunk {
        long offset;
        long length;
        ByteBuffer data;
        Throwable failure;
        boolean end;
    }

    private final BlockDevice in;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 2);
    private final Thread thread;
    private volatile boolean stop;

    ReadAhead(BlockDevice in) {
        this.in = in;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(PageAlignedBuffer.allocate(CHUNK));
        }
        thread = new Thread(this::run, "disk-read-ahead");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long size = in.size();
        long off = 0;
        try {
            while (off < size && !stop) {
                Extent e = in.extentAt(off);
                long end = Math.min(size, e.end());
                if (e.kind() == Extent.Kind.ZERO) {
                    Chunk c = new Chunk();
                    c.offset = off;
                    c.length = end - off;
                    full.put(c);
                    off = end;
                    continue;
                }
                while (off < end && !stop) {
                    ByteBuffer b = free.take();
                    int n = (int) Math.min(CHUNK, end - off);
                    b.clear();
                    b.limit(n);
                    in.read(off, b);
                    b.flip();
                    Chunk c = new Chunk();
                    c.offset = off;
                    c.length = n;
                    c.data = b;
                    full.put(c);
                    off += n;
                }
            }
            Chunk last = new Chunk();
            last.end = true;
            full.put(last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            Chunk c = new Chunk();
            c.failure = t;
            c.end = true;
            full.offer(c);
        }
    }

    /** The next chunk (its buffer must be handed back with {@link #recycle}); {@code end} marks the last. */
    Chunk next() throws IOException {
        try {
            Chunk c = full.take();
            if (c.failure instanceof IOException io) {
                throw io;
            }
            if (c.failure != null) {
                throw new DiskImageException(null, "reading the source failed: " + c.failure, c.failure);
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    void recycle(Chunk c) {
        if (c.data != null) {
            free.offer(c.data);
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
