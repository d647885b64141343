package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusterMap;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.CompressedClusterReader;
import org.quasivm.disk.sparse.TableCache;

/**
 * Grain directory and grain tables of one hosted sparse extent. New grains are appended at the end of the
 * file; the grain is written before its grain-table entry, then the redundant entry, so a crash leaves at
 * worst an unreferenced grain at the end of the file.
 */
final class VmdkSparseMap extends ClusterMap {
    private static final long CACHE_BUDGET = 8L << 20;
    private final ImageFile file;
    private final SparseExtentHeader header;
    private final boolean writable;
    private final int grainBits;
    private final int grainBytes;
    private final int gtes;
    private final int[] gd;
    private final int[] rgd;
    private final TableCache<int[]> gtCache;
    private final CompressedClusterReader compressedReader;
    private final ThreadLocal<ByteBuffer> markerBuffer;
    private final long capacityBytes;
    private final ByteBuffer entryScratch;
    private long fileEnd;

    private VmdkSparseMap(ImageFile file, SparseExtentHeader header, int[] gd, int[] rgd, boolean writable)
            throws DiskImageException {
        this.file = file;
        this.header = header;
        this.writable = writable;
        this.grainBytes = (int) (header.grainSize() * 512);
        this.grainBits = Integer.numberOfTrailingZeros(grainBytes);
        this.gtes = header.numGtesPerGt();
        this.gd = gd;
        this.rgd = rgd;
        this.capacityBytes = header.capacity() * 512;
        this.fileEnd = (file.size() + 511) & ~511L;
        int slots = TableCache.slotsFor(gd.length, gtes * 4L, CACHE_BUDGET);
        this.gtCache = new TableCache<>(slots, this::loadGrainTable);
        if (header.compressed()) {
            // A compressed grain may be slightly larger than the grain (deflate's stored blocks and headers).
            compressedReader = new CompressedClusterReader(file, grainBytes, true, grainBytes + grainBytes / 8 + 1024);
            markerBuffer = ThreadLocal.withInitial(() -> ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN));
        } else {
            compressedReader = null;
            markerBuffer = null;
        }
        this.entryScratch = ByteBuffer.allocate(gtes * 4).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads the header (and for streamOptimized files, the footer) and the grain directories. */
    static VmdkSparseMap open(ImageFile file, boolean writable) throws IOException {
        ByteBuffer hb = ByteBuffer.allocate(SparseExtentHeader.SIZE);
        file.readFully(hb, 0, "sparse extent header");
        hb.flip();
        SparseExtentHeader header = SparseExtentHeader.parse(file.path(), hb, "sparse extent header");
        long size = file.size();
        if (header.gdOffset() == SparseExtentHeader.GD_AT_END) {
            header = readFooter(file, size);
        }
        if (writable && header.compressed()) {
            throw file.error("compressed (streamOptimized) VMDK extents cannot be written in place;"
                    + " convert the image to another subformat first");
        }
        long entries = header.gdEntries();
        if (entries > (1 << 24)) {
            throw file.error("grain directory would have " + entries + " entries (limit " + (1 << 24) + ")");
        }
        int[] gd = readDirectory(file, header.gdOffset(), (int) entries, size, "grain directory");
        int[] rgd = null;
        if (header.redundantGrainTable() && header.rgdOffset() != 0 && !header.compressed()) {
            rgd = readDirectory(file, header.rgdOffset(), (int) entries, size, "redundant grain directory");
        }
        return new VmdkSparseMap(file, header, gd, rgd, writable);
    }

    /** A streamOptimized file ends with footer marker, footer (a header copy with the real gdOffset), EOS marker. */
    private static SparseExtentHeader readFooter(ImageFile file, long size) throws DiskImageException {
        if (size < 1536 + 512) {
            throw file.error("streamOptimized header defers the grain directory to a footer, but the file is too"
                    + " short to hold one");
        }
        ByteBuffer fb = ByteBuffer.allocate(SparseExtentHeader.SIZE);
        file.readFully(fb, size - 1024, "footer");
        fb.flip();
        SparseExtentHeader footer = SparseExtentHeader.parse(file.path(), fb, "footer");
        if (footer.gdOffset() == SparseExtentHeader.GD_AT_END) {
            throw file.error("footer does not give the grain directory offset");
        }
        return footer;
    }

    private static int[] readDirectory(ImageFile file, long sector, int entries, long fileSize, String what)
            throws DiskImageException {
        long bytes = entries * 4L;
        if (sector == 0 || sector * 512 > fileSize - bytes) {
            throw file.error(what + " at sector " + sector + " (" + entries + " entries) lies past the end of the file");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(b, sector * 512, what);
        b.flip();
        int[] d = new int[entries];
        b.asIntBuffer().get(d);
        return d;
    }

    private int[] loadGrainTable(long index, int[] recycled) throws IOException {
        long sector = gd[(int) index] & 0xffffffffL;
        long pos = sector * 512;
        if (pos > fileEnd - gtes * 4L) {
            throw file.error("grain directory entry " + index + " points past the end of the file");
        }
        if (sector < 1) {
            throw file.error("grain directory entry " + index + " points into the header");
        }
        int[] gt = recycled != null ? recycled : new int[gtes];
        ByteBuffer b = entryScratch;
        b.clear();
        file.readFully(b, pos, "grain table " + index);
        b.flip();
        b.asIntBuffer().get(gt);
        long minGrain = header.overhead();
        long grainReach = header.compressed() ? 12 : 512;
        for (int i = 0; i < gtes; i++) {
            long e = gt[i] & 0xffffffffL;
            if (e == 0 || (e == 1 && header.zeroGrains())) {
                continue;
            }
            if (e * 512 > fileEnd - grainReach) { // a grain must at least start inside the file
                throw file.error("grain table " + index + " points past the end of the file (entry " + i + ")");
            }
            if (e < minGrain) {
                throw file.error("grain table " + index + " entry " + i + " points into metadata (sector " + e + ")");
            }
        }
        return gt;
    }

    SparseExtentHeader header() {
        return header;
    }

    long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public int clusterBits() {
        return grainBits;
    }

    @Override
    public long lookup(long cluster) throws IOException {
        int gdIndex = (int) (cluster / gtes);
        if (gd[gdIndex] == 0) {
            return UNALLOCATED;
        }
        long e = gtCache.get(gdIndex)[(int) (cluster % gtes)] & 0xffffffffL;
        if (e == 0) {
            return UNALLOCATED;
        }
        if (e == 1 && header.zeroGrains()) {
            return ZERO;
        }
        return header.compressed() ? SPECIAL : e * 512;
    }

    @Override
    public void readSpecial(ClusteredStore store, long cluster, int inCluster, ByteBuffer dst) throws IOException {
        long sector;
        store.metadataLock().lock();
        try {
            sector = gtCache.get((int) (cluster / gtes))[(int) (cluster % gtes)] & 0xffffffffL;
        } finally {
            store.metadataLock().unlock();
        }
        if (compressedReader.copyCached(sector, inCluster, dst)) {
            return;
        }
        ByteBuffer marker = markerBuffer.get();
        marker.clear();
        file.readFully(marker, sector * 512, "grain marker at sector " + sector);
        long lba = marker.getLong(0);
        int size = marker.getInt(8);
        long expectLba = cluster * header.grainSize();
        if (lba != expectLba) {
            throw file.error("grain marker at sector " + sector + " is for sector " + lba + ", expected "
                    + expectLba);
        }
        long clusterStart = cluster << grainBits;
        int valid = (int) Math.min(grainBytes, capacityBytes - clusterStart);
        compressedReader.read(sector, sector * 512 + 12, size, valid, inCluster, dst,
                "compressed grain at sector " + sector);
    }

    @Override
    public long allocate(long firstCluster, int count) throws IOException {
        long host = fileEnd;
        fileEnd += (long) count * grainBytes;
        return host;
    }

    @Override
    public void publish(long firstCluster, int count, long hostOffset) throws IOException {
        long c = firstCluster;
        long sector = hostOffset / 512;
        int done = 0;
        while (done < count) {
            int gdIndex = (int) (c / gtes);
            int first = (int) (c % gtes);
            int n = Math.min(count - done, gtes - first);
            if (gd[gdIndex] == 0) {
                allocateGrainTable(gdIndex);
            }
            int[] gt = gtCache.get(gdIndex);
            ByteBuffer b = entryScratch;
            b.clear();
            for (int i = 0; i < n; i++) {
                b.putInt((int) (sector + (long) (done + i) * header.grainSize()));
            }
            b.flip();
            file.writeFully(b, (gd[gdIndex] & 0xffffffffL) * 512 + first * 4L);
            if (rgd != null) {
                b.rewind();
                file.writeFully(b, (rgd[gdIndex] & 0xffffffffL) * 512 + first * 4L);
            }
            for (int i = 0; i < n; i++) {
                gt[first + i] = (int) (sector + (long) (done + i) * header.grainSize());
            }
            done += n;
            c += n;
        }
    }

    /** Appends a zeroed grain table (and its redundant copy), then points the directories at it. */
    private void allocateGrainTable(int gdIndex) throws IOException {
        long tableBytes = ((gtes * 4L) + 511) & ~511L;
        ByteBuffer zeros = ByteBuffer.allocate((int) tableBytes);
        long primary = fileEnd;
        file.writeFully(zeros, primary);
        fileEnd += tableBytes;
        long redundant = 0;
        if (rgd != null) {
            zeros.clear();
            redundant = fileEnd;
            file.writeFully(zeros, redundant);
            fileEnd += tableBytes;
        }
        ByteBuffer e = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0, (int) (primary / 512));
        file.writeFully(e, header.gdOffset() * 512 + gdIndex * 4L);
        gd[gdIndex] = (int) (primary / 512);
        if (rgd != null) {
            e.clear();
            e.putInt(0, (int) (redundant / 512));
            file.writeFully(e, header.rgdOffset() * 512 + gdIndex * 4L);
            rgd[gdIndex] = (int) (redundant / 512);
        }
    }

    @Override
    public boolean canMarkZero() {
        return writable && header.zeroGrains();
    }

    @Override
    public void markZero(long cluster) throws IOException {
        int gdIndex = (int) (cluster / gtes);
        if (gd[gdIndex] == 0) {
            allocateGrainTable(gdIndex);
        }
        int idx = (int) (cluster % gtes);
        ByteBuffer e = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0, 1);
        file.writeFully(e, (gd[gdIndex] & 0xffffffffL) * 512 + idx * 4L);
        if (rgd != null) {
            e.clear();
            file.writeFully(e, (rgd[gdIndex] & 0xffffffffL) * 512 + idx * 4L);
        }
        gtCache.get(gdIndex)[idx] = 1;
    }

    @Override
    public long allocatedClusters() throws IOException {
        long n = 0;
        for (int i = 0; i < gd.length; i++) {
            if (gd[i] == 0) {
                continue;
            }
            int[] gt = gtCache.get(i);
            for (int e : gt) {
                if (e != 0 && !(e == 1 && header.zeroGrains())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Grain directory entries (for check). */
    int[] directory() {
        return gd.clone();
    }

    /** Redundant grain directory entries, or null. */
    int[] redundantDirectory() {
        return rgd == null ? null : rgd.clone();
    }

    int[] grainTable(int gdIndex) throws IOException {
        return gtCache.get(gdIndex).clone();
    }

    int[] redundantGrainTable(int gdIndex) throws IOException {
        long sector = rgd[gdIndex] & 0xffffffffL;
        if (sector == 0 || sector * 512 > fileEnd - gtes * 4L) {
            throw file.error("redundant grain directory entry " + gdIndex + " points past the end of the file");
        }
        ByteBuffer b = ByteBuffer.allocate(gtes * 4).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(b, sector * 512, "redundant grain table " + gdIndex);
        b.flip();
        int[] t = new int[gtes];
        b.asIntBuffer().get(t);
        return t;
    }

    int grainsPerTable() {
        return gtes;
    }

    long fileEnd() {
        return fileEnd;
    }
}
