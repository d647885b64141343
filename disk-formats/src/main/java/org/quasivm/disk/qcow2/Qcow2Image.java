package org.quasivm.disk.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.CompressedClusterSink;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.MissingParent;

/**
 * A qcow2 image, version 2 or 3: read and write, zlib-compressed clusters (read, and written by conversion),
 * backing files. Internal snapshots are read (the active state) but such images are not written.
 *
 * <p>While a version 3 image is open for writing its "dirty" bit is set; a crash leaves it set, and the next
 * read-write open recounts the references and releases clusters the crash leaked.
 */
public final class Qcow2Image extends DiskImage implements CompressedClusterSink {
    private final ImageFile file;
    private volatile Qcow2Header header;
    private final Qcow2ClusterMap map;
    private final Qcow2Refcounts refcounts;
    private final ClusteredStore store;
    private final ParentLink parentLink;
    private long compressedCursor = -1;

    private Qcow2Image(ImageFile file, boolean readOnly, Qcow2Header header, Qcow2ClusterMap map,
                       Qcow2Refcounts refcounts, ParentLink parentLink) {
        super(file.path(), ImageFormat.QCOW2, readOnly);
        this.file = file;
        this.header = header;
        this.map = map;
        this.refcounts = refcounts;
        this.store = new ClusteredStore(file, map, header.size());
        this.parentLink = parentLink;
        if (parentLink != null) {
            store.setFallback(new MissingParent(file.path(), header.size()), 0);
        }
    }

    public static Qcow2Image open(Path path, boolean writable) throws IOException {
        return open(path, writable, true);
    }

    /** {@code durable} false: the "in use" (dirty) marker is written without a sync (scratch images). */
    public static Qcow2Image open(Path path, boolean writable, boolean durable) throws IOException {
        ImageFile file = ImageFile.open(path, writable);
        try {
            return open(file, writable, durable);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Reads the header cluster (up to 2 MiB: the largest cluster). */
    static Qcow2Header readHeader(ImageFile file, long fileSize) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(512);
        file.readZeroPadded(first, 0);
        first.flip();
        int bits = first.getInt(20);
        int len = (int) Math.min(fileSize, bits >= 9 && bits <= 21 ? 1L << bits : 512);
        ByteBuffer hb = ByteBuffer.allocate(Math.max(len, 512));
        file.readZeroPadded(hb, 0);
        hb.flip();
        hb.limit(Math.max(Math.min(len, hb.limit()), Math.min(512, hb.limit())));
        return Qcow2Header.parse(file.path(), hb, fileSize);
    }

    private static Qcow2Image open(ImageFile file, boolean writable, boolean durable) throws IOException {
        long fileSize = file.size();
        Qcow2Header h = readHeader(file, fileSize);
        if (writable && h.nbSnapshots() > 0) {
            throw file.error("not supported: writing qcow2 images with internal snapshots ("
                    + h.nbSnapshots() + ")");
        }
        if (writable && h.corrupt()) {
            throw file.error("image is marked corrupt; it can only be opened read-only");
        }
        long[] l1 = Qcow2ClusterMap.readL1(file, h, fileSize);
        Qcow2Refcounts refcounts = null;
        if (writable) {
            long[] table = Qcow2Refcounts.readTable(file, h, fileSize);
            refcounts = new Qcow2Refcounts(file, h, table, fileSize);
        }
        Qcow2ClusterMap map = new Qcow2ClusterMap(file, h, l1, refcounts, fileSize);
        ParentLink link = null;
        if (h.backingFile() != null) {
            link = new ParentLink(h.backingFile(), ParentPaths.resolve(file.path(), h.backingFile()),
                    h.backingFormat() == null ? null : formatFromQemuName(file.path(), h.backingFormat()));
        }
        Qcow2Image img = new Qcow2Image(file, !writable, h, map, refcounts, link);
        if (h.corrupt()) {
            img.warn("image is marked corrupt by QEMU");
        }
        if (writable && h.version() >= 3 && h.autoclearFeatures() != 0) {
            // Autoclear features (e.g. persistent dirty bitmaps) describe the data; a writer that does not
            // maintain them must clear them, so QEMU will not trust stale bitmaps.
            ByteBuffer z = ByteBuffer.allocate(8);
            file.writeFully(z, 88);
            img.warn("cleared qcow2 autoclear features " + Long.toHexString(h.autoclearFeatures())
                    + " (bitmaps are not maintained here)");
        }
        if (writable && h.version() >= 3) {
            if (h.dirty()) {
                Qcow2Metadata.Result r = Qcow2Metadata.walk(file, h, l1, refcounts);
                Qcow2Metadata.repairLeaks(r, refcounts);
                img.warn("image was not closed cleanly; " + r.leaked() + " leaked clusters released");
            }
            img.setDirty(true, durable);
        }
        return img;
    }

    /** QEMU's driver names as stored in the backing-format extension. */
    static ImageFormat formatFromQemuName(Path file, String name) throws DiskImageException {
        return switch (name) {
            case "raw" -> ImageFormat.RAW;
            case "qcow2" -> ImageFormat.QCOW2;
            case "vmdk" -> ImageFormat.VMDK;
            case "vpc" -> ImageFormat.VHD;
            case "vdi" -> ImageFormat.VDI;
            default -> throw new DiskImageException(file, "not supported: backing file format '" + name + "'");
        };
    }

    static String qemuName(ImageFormat f) {
        return f == ImageFormat.VHD ? "vpc" : f.id();
    }

    private void setDirty(boolean dirty) throws IOException {
        setDirty(dirty, true);
    }

    private void setDirty(boolean dirty, boolean sync) throws IOException {
        Qcow2Header h = header;
        long features = dirty ? h.incompatibleFeatures() | Qcow2Header.INCOMPAT_DIRTY
                : h.incompatibleFeatures() & ~Qcow2Header.INCOMPAT_DIRTY;
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        b.putLong(0, features);
        file.writeFully(b, 72);
        if (sync) {
            file.sync();
        }
        header = new Qcow2Header(h.version(), h.backingFileOffset(), h.backingFileSize(), h.clusterBits(), h.size(),
                h.cryptMethod(), h.l1Size(), h.l1TableOffset(), h.refcountTableOffset(), h.refcountTableClusters(),
                h.nbSnapshots(), h.snapshotsOffset(), features, h.compatibleFeatures(), h.autoclearFeatures(),
                h.refcountOrder(), h.headerLength(), h.backingFile(), h.backingFormat(), h.unknownExtensions());
    }

    public Qcow2Header header() {
        return header;
    }

    Qcow2ClusterMap clusterMap() {
        return map;
    }

    ImageFile file() {
        return file;
    }

    @Override
    public String subformat() {
        return header.version() >= 3 ? "v3" : "v2";
    }

    @Override
    public ParentLink parentLink() {
        return parentLink;
    }

    @Override
    protected void validateParent(DiskImage parent) throws DiskImageException {
        if (parentLink.format() != null && parent.format() != parentLink.format()) {
            throw new DiskImageException(path(), "backing file " + parent.path().getFileName() + " is "
                    + parent.format().id() + " but the image declares " + parentLink.format().id());
        }
    }

    @Override
    protected void rewriteParent(DiskImage parent, String reference) throws IOException {
        checkWritable();
        Qcow2Header h = header;
        Qcow2Header nh = parent == null ? h.withBacking(null, null)
                : h.withBacking(reference, qemuName(parent.format()));
        if (reference != null && reference.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1023) {
            throw file.error("backing file path is longer than 1023 bytes");
        }
        file.writeFully(nh.toBytes(h.clusterSize()), 0);
        file.sync();
        header = nh;
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        store.setFallback(parent, 0);
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        store.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        store.write(offset, src);
    }

    @Override
    public void flush() throws IOException {
        if (!isReadOnly()) {
            store.flush();
        }
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        store.writeZeros(offset, length);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        store.discard(offset, length);
    }

    @Override
    public Extent layerExtentAt(long offset) throws IOException {
        return store.layerExtentAt(offset);
    }

    @Override
    public long allocatedBytes() throws IOException {
        return store.allocatedBytes();
    }

    @Override
    public int compressedClusterSize() {
        return header.clusterSize();
    }

    @Override
    public boolean zlibWrapper() {
        return false;
    }

    /**
     * Appends a compressed cluster, packing compressed data back to back across host clusters (as QEMU does);
     * every host cluster's refcount counts the compressed clusters touching it. Clusters that did not shrink
     * are stored uncompressed.
     */
    @Override
    public void writeCompressed(long cluster, ByteBuffer compressed, ByteBuffer raw) throws IOException {
        checkWritable();
        int cs = header.clusterSize();
        int len = compressed.remaining();
        if (len >= cs - 512) {
            long off = cluster * cs;
            ByteBuffer r = raw.duplicate();
            r.limit(r.position() + (int) Math.min(r.remaining(), size() - off));
            store.write(off, r);
            return;
        }
        store.metadataLock().lock();
        try {
            long c = compressedCursor;
            boolean fresh = c < 0 || c % cs == 0;
            if (!fresh && c + len > (c / cs + 1) * cs && refcounts.nextFreeCluster() != c / cs + 1) {
                fresh = true; // the next host cluster is taken (an L2 table went there): start a new one
            }
            if (fresh) {
                c = refcounts.allocate(1) * cs;
            } else {
                refcounts.addRange(c / cs, 1, 1);
            }
            long end = c + len;
            if (end > (c / cs + 1) * cs && refcounts.allocate(1) != c / cs + 1) {
                throw file.error("compressed cluster allocation lost contiguity");
            }
            map.noteFileLimit(end);
            file.writeFully(compressed, c);
            map.publishCompressed(cluster, c, len);
            compressedCursor = end;
        } finally {
            store.metadataLock().unlock();
        }
    }

    /**
     * Recounts every reference and sets each refcount to it: releases leaked clusters (and fixes undercounted
     * ones). Returns the number of clusters whose refcount changed.
     */
    public static long repair(Path path) throws IOException {
        try (Qcow2Image img = open(path, true)) {
            img.store.metadataLock().lock();
            try {
                Qcow2Metadata.Result r = Qcow2Metadata.walk(img.file, img.header, img.map.l1(), img.refcounts);
                long changed = r.leaked() + r.errors();
                Qcow2Metadata.repairLeaks(r, img.refcounts);
                return changed;
            } finally {
                img.store.metadataLock().unlock();
            }
        }
    }

    /**
     * Grows a closed image to {@code newSize}: a bigger L1 table, if needed, is written elsewhere first and the
     * header switched to it in one write; then the old table is released.
     */
    public static void resize(Path path, long newSize) throws IOException {
        try (Qcow2Image img = open(path, true)) {
            img.growTo(newSize);
        }
    }

    private void growTo(long newSize) throws IOException {
        Qcow2Header h = header;
        if (newSize < h.size()) {
            throw file.error("not supported: shrinking a qcow2 image");
        }
        long size = (newSize + 511) & ~511L;
        long l2Span = 1L << (2 * h.clusterBits() - 3);
        long needL1 = (size + l2Span - 1) / l2Span;
        store.metadataLock().lock();
        try {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
            b.putLong(0, size);
            b.putInt(8, h.cryptMethod());
            if (needL1 > h.l1Size()) {
                if (needL1 * 8 > Qcow2Header.MAX_L1_BYTES) {
                    throw file.error("size " + size + " needs an L1 table over 32 MiB");
                }
                int clusters = (int) ((needL1 * 8 + h.clusterSize() - 1) >>> h.clusterBits());
                long start = refcounts.allocate(clusters);
                ByteBuffer t = ByteBuffer.allocate(clusters << h.clusterBits()).order(ByteOrder.BIG_ENDIAN);
                t.asLongBuffer().put(map.l1());
                file.writeFully(t, start << h.clusterBits());
                file.sync();
                b.putInt(12, (int) needL1);
                b.putLong(16, start << h.clusterBits());
                file.writeFully(b, 24);
                file.sync();
                long oldClusters = ((long) h.l1Size() * 8 + h.clusterSize() - 1) >>> h.clusterBits();
                refcounts.addRange(h.l1TableOffset() >>> h.clusterBits(), oldClusters, -1);
            } else {
                b.limit(8);
                file.writeFully(b, 24);
                file.sync();
            }
        } finally {
            store.metadataLock().unlock();
        }
    }

    @Override
    public void bypassPageCacheForData() {
        file.bypassPageCacheForData(); // a no-op on a file opened read-only
    }

    @Override
    protected void closeLayer() throws IOException {
        if (!isReadOnly() && header.version() >= 3) {
            if (durableClose()) {
                store.flush(); // everything durable before the image is marked clean
            }
            setDirty(false, durableClose());
        }
        file.close();
    }
}
