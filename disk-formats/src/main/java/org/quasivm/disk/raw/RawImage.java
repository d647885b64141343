package org.quasivm.disk.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.quasivm.disk.AllocationProbe;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;

/**
 * A raw image: the file is the disk. Created files are sparse (extended without writing), and zero blocks
 * written by the converter are skipped, so holes survive conversion. Java cannot ask the host where the
 * holes are: with an {@link AllocationProbe} from the host integration, {@link #layerExtentAt} reports holes as
 * zeros (so copies skip them without reading); without one every byte counts as data and copying code detects
 * zeros itself.
 */
public final class RawImage extends DiskImage {
    private static final int ZERO_CHUNK = 1 << 20;
    private final ImageFile file;
    private final AllocationProbe probe;
    private volatile long size;
    /** Opened on the first extent query; null until then, or when the probe cannot tell for this file. */
    private AllocationProbe.FileAllocation allocation;
    private boolean allocationOpened;

    private RawImage(ImageFile file, boolean readOnly, AllocationProbe probe) throws DiskImageException {
        super(file.path(), ImageFormat.RAW, readOnly);
        this.file = file;
        this.probe = probe;
        this.size = file.size();
    }

    public static RawImage open(Path path, boolean writable) throws DiskImageException {
        return open(path, writable, AllocationProbe.NONE);
    }

    /** Opens a raw file whose holes {@code probe} can find. */
    public static RawImage open(Path path, boolean writable, AllocationProbe probe) throws DiskImageException {
        return new RawImage(ImageFile.open(path, writable), !writable, probe);
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
            return new RawImage(f, false, AllocationProbe.NONE);
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
        ByteBuffer zeros = PageAlignedBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(1, length)));
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

    /** Holes the probe finds are ZERO; everything else (all of it without a probe) is DATA. */
    @Override
    public Extent layerExtentAt(long offset) throws IOException {
        long end = size;
        AllocationProbe.FileAllocation a = allocation();
        if (a == null) {
            return new Extent(offset, end - offset, Extent.Kind.DATA);
        }
        long data = a.nextData(offset);
        if (data < 0 || data >= end) {
            return new Extent(offset, end - offset, Extent.Kind.ZERO);
        }
        if (data > offset) {
            return new Extent(offset, data - offset, Extent.Kind.ZERO);
        }
        long hole = Math.min(end, a.nextHole(offset));
        // A probe must answer a hole after a data offset; if it does not, claim data to the end (always safe).
        return new Extent(offset, (hole > offset ? hole : end) - offset, Extent.Kind.DATA);
    }

    /** Bytes the file stores (its data ranges) when the host can tell, else its whole size. */
    @Override
    public long allocatedBytes() throws IOException {
        long total = 0;
        for (long off = 0; off < size; ) {
            Extent e = layerExtentAt(off);
            if (e.kind() == Extent.Kind.DATA) {
                total += e.length();
            }
            off = e.end();
        }
        return total;
    }

    private synchronized AllocationProbe.FileAllocation allocation() {
        if (!allocationOpened) {
            allocationOpened = true;
            allocation = probe.open(path());
        }
        return allocation;
    }

    /** Grows (sparse) or shrinks the file. */
    public void resize(long newSize) throws IOException {
        checkWritable();
        file.truncate(newSize);
        size = newSize;
    }

    @Override
    public void bypassPageCacheForData() {
        file.bypassPageCacheForData(); // a no-op on a file opened read-only
    }

    @Override
    protected void closeLayer() throws IOException {
        synchronized (this) {
            if (allocation != null) {
                allocation.close();
                allocation = null;
            }
            allocationOpened = true; // no queries after close
        }
        file.close();
    }
}
