package org.quasivm.disk.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.io.ImageFile;

/**
 * A raw image: the file is the disk. Created files are sparse (extended without writing), and zero blocks
 * written by the converter are skipped, so holes survive conversion. Java cannot ask the host where the
 * holes are, so every byte counts as data for {@link #layerExtentAt}; copying code detects zeros itself.
 */
public final class RawImage extends DiskImage {
    private static final int ZERO_CHUNK = 1 << 20;
    private final ImageFile file;
    private volatile long size;

    private RawImage(ImageFile file, boolean readOnly) throws DiskImageException {
        super(file.path(), ImageFormat.RAW, readOnly);
        this.file = file;
        this.size = file.size();
    }

    public static RawImage open(Path path, boolean writable) throws DiskImageException {
        return new RawImage(ImageFile.open(path, writable), !writable);
    }

    /** Creates a sparse raw file of {@code size} bytes. */
    public static RawImage create(Path path, long size) throws DiskImageException {
        if (size < 0) {
            throw new DiskImageException(path, "negative size " + size);
        }
        ImageFile f = ImageFile.create(path);
        try {
            if (size > 0) {
                f.truncate(size);
            }
            return new RawImage(f, false);
        } catch (DiskImageException e) {
            f.close();
            throw e;
        }
    }

    @Override
    public String subformat() {
        return "raw";
    }

    @Override
    public ParentLink parentLink() {
        return null;
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        throw new IllegalStateException("raw images have no parent");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        file.readZeroPadded(dst, offset);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        file.writeFully(src, offset);
    }

    @Override
    public void flush() throws IOException {
        if (!isReadOnly()) {
            file.sync();
        }
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZERO_CHUNK, Math.max(1, length)));
        long off = offset;
        long end = offset + length;
        while (off < end) {
            int n = (int) Math.min(zeros.capacity(), end - off);
            zeros.clear();
            zeros.limit(n);
            file.writeFully(zeros, off);
            off += n;
        }
    }

    /** Raw files cannot release space from Java (no hole punching); discard is a no-op. */
    @Override
    public void discard(long offset, long length) {
        checkRange(offset, length);
    }

    @Override
    public Extent layerExtentAt(long offset) {
        return new Extent(offset, size - offset, Extent.Kind.DATA);
    }

    @Override
    public long allocatedBytes() {
        return size;
    }

    /** Grows (sparse) or shrinks the file. */
    public void resize(long newSize) throws IOException {
        checkWritable();
        file.truncate(newSize);
        size = newSize;
    }

    @Override
    protected void closeLayer() throws IOException {
        file.close();
    }
}
