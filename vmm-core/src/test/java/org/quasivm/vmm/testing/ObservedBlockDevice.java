package org.quasivm.vmm.testing;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.Extent;

/**
 * A real image seen through a window: counts flushes and writes, and fails the test (an {@link AssertionError} a
 * device cannot swallow as an I/O error) if a device ever asks for bytes outside the disk.
 */
public final class ObservedBlockDevice implements BlockDevice {

    private final BlockDevice image;
    public int flushes;
    public int writes;
    public long bytesWritten;

    public ObservedBlockDevice(BlockDevice image) {
        this.image = image;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > image.size()) {
            throw new AssertionError("access " + offset + "+" + length + " outside the disk of " + image.size());
        }
    }

    @Override
    public long size() {
        return image.size();
    }

    @Override
    public boolean isReadOnly() {
        return image.isReadOnly();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        image.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        check(offset, src.remaining());
        writes++;
        bytesWritten += src.remaining();
        image.write(offset, src);
    }

    @Override
    public void flush() throws IOException {
        flushes++;
        image.flush();
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        check(offset, length);
        image.writeZeros(offset, length);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        check(offset, length);
        image.discard(offset, length);
    }

    @Override
    public Extent extentAt(long offset) throws IOException {
        return image.extentAt(offset);
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
