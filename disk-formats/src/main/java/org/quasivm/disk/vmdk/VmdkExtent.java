package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.Extent;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.io.Zeros;
import org.quasivm.disk.sparse.ClusteredStore;

/** One extent line of a VMDK: a sparse extent file, a flat (or VMFS) file region, or a zero extent. */
sealed interface VmdkExtent permits VmdkExtent.Sparse, VmdkExtent.Flat, VmdkExtent.Zero {

    long length();

    void read(long offset, ByteBuffer dst) throws IOException;

    void write(long offset, ByteBuffer src) throws IOException;

    void writeZeros(long offset, long length) throws IOException;

    void discard(long offset, long length) throws IOException;

    Extent layerExtentAt(long offset, long base) throws IOException;

    long allocatedBytes() throws IOException;

    void flush() throws IOException;

    /** The extent's file, or null for a zero extent. */
    ImageFile file();

    record Sparse(ImageFile file, VmdkSparseMap map, ClusteredStore store, long length) implements VmdkExtent {
        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            store.read(offset, dst);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            store.write(offset, src);
        }

        @Override
        public void writeZeros(long offset, long len) throws IOException {
            store.writeZeros(offset, len);
        }

        @Override
        public void discard(long offset, long len) throws IOException {
            store.discard(offset, len);
        }

        @Override
        public Extent layerExtentAt(long offset, long base) throws IOException {
            Extent e = store.layerExtentAt(offset);
            return new Extent(base + offset, Math.min(e.length(), length - offset), e.kind());
        }

        @Override
        public long allocatedBytes() throws IOException {
            return store.allocatedBytes();
        }

        @Override
        public void flush() throws IOException {
            store.flush();
        }

        void setFallback(BlockDevice parent, long base) {
            store.setFallback(parent, base);
        }
    }

    /** A flat extent: {@code length} bytes of {@code file} from {@code fileOffset}. */
    record Flat(ImageFile file, long fileOffset, long length) implements VmdkExtent {
        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            file.readZeroPadded(dst, fileOffset + offset);
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            file.writeFully(src, fileOffset + offset);
        }

        @Override
        public void writeZeros(long offset, long len) throws IOException {
            ByteBuffer z = PageAlignedBuffer.allocate((int) Math.min(1 << 20, len));
            long done = 0;
            while (done < len) {
                z.clear();
                z.limit((int) Math.min(z.capacity(), len - done));
                int n = z.remaining();
                file.writeFully(z, fileOffset + offset + done);
                done += n;
            }
        }

        @Override
        public void discard(long offset, long len) {
        }

        @Override
        public Extent layerExtentAt(long offset, long base) {
            return new Extent(base + offset, length - offset, Extent.Kind.DATA);
        }

        @Override
        public long allocatedBytes() {
            return length;
        }

        @Override
        public void flush() throws IOException {
            if (file.isWritable()) {
                file.sync();
            }
        }
    }

    record Zero(long length) implements VmdkExtent {
        @Override
        public void read(long offset, ByteBuffer dst) {
            Zeros.fill(dst, dst.remaining());
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            throw new IOException("cannot write to a ZERO extent");
        }

        @Override
        public void writeZeros(long offset, long len) {
        }

        @Override
        public void discard(long offset, long len) {
        }

        @Override
        public Extent layerExtentAt(long offset, long base) {
            return new Extent(base + offset, length - offset, Extent.Kind.ZERO);
        }

        @Override
        public long allocatedBytes() {
            return 0;
        }

        @Override
        public void flush() {
        }

        @Override
        public ImageFile file() {
            return null;
        }
    }
}
