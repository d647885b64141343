package org.quasivm.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A virtual disk as a flat array of bytes.
 *
 * <p>Reads and writes take any byte offset and length inside {@code [0, size())}; a request outside is an
 * {@link IllegalArgumentException} (callers emulating hardware check bounds first and answer with the
 * hardware's error). Both transfer {@code buffer.remaining()} bytes and advance the buffer's position.
 *
 * <p>Concurrency: any number of threads may read while at most one thread writes (writes are serialised
 * internally, so a second writer waits). A read racing a write to the same bytes returns either the old or
 * the new bytes for each sector, as a real disk would; image metadata is never seen half-updated.
 */
public interface BlockDevice extends Closeable {

    /** Virtual size in bytes. */
    long size();

    boolean isReadOnly();

    void read(long offset, ByteBuffer dst) throws IOException;

    void write(long offset, ByteBuffer src) throws IOException;

    /** Makes every completed write durable (metadata and data reach stable storage). */
    void flush() throws IOException;

    /** Afterwards {@code [offset, offset+length)} reads as zeros; whole units are deallocated where the format can. */
    void writeZeros(long offset, long length) throws IOException;

    /**
     * Advisory: the range is no longer needed. Space is released where the format can do so without a
     * parent showing through; afterwards the range reads as zeros or as its old contents.
     */
    void discard(long offset, long length) throws IOException;

    /**
     * The run of bytes starting at {@code offset} that is uniformly {@link Extent.Kind#DATA} or
     * {@link Extent.Kind#ZERO} as seen through the whole chain. The run may be shorter than the true run
     * (callers loop); DATA may contain zeros, ZERO never contains anything else.
     */
    Extent extentAt(long offset) throws IOException;

    @Override
    void close() throws IOException;

    default void read(long offset, byte[] dst, int off, int len) throws IOException {
        read(offset, ByteBuffer.wrap(dst, off, len));
    }

    default void write(long offset, byte[] src, int off, int len) throws IOException {
        write(offset, ByteBuffer.wrap(src, off, len));
    }
}
