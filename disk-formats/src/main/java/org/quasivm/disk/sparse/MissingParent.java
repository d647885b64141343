package org.quasivm.disk.sparse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;

/** Stands in for a parent that was deliberately not opened: any read that falls through to it fails clearly. */
public final class MissingParent implements BlockDevice {
    private final Path child;
    private final long size;

    public MissingParent(Path child, long size) {
        this.child = child;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        throw new DiskImageException(child, "read at offset " + offset + " needs the parent image, which is not open");
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        throw new DiskImageException(child, "parent image is not open");
    }

    @Override
    public void flush() {
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        throw new DiskImageException(child, "parent image is not open");
    }

    @Override
    public void discard(long offset, long length) {
    }

    @Override
    public Extent extentAt(long offset) {
        return new Extent(offset, size - offset, Extent.Kind.DATA);
    }

    @Override
    public void close() {
    }
}
