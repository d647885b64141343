package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.io.CompressedClusterSink;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.io.Zeros;

/**
 * Writes a streamOptimized VMDK front to back, the way VMware's exporters do: header (grain directory "at
 * end"), embedded descriptor, then each non-zero grain deflated behind a grain marker, each grain table behind
 * a marker once its grains are done, and finally the grain directory, the footer and the end-of-stream marker.
 *
 * <p>Writes must come in ascending grain order (what conversion and export produce); reads are refused until
 * the finished file is reopened. The converter feeds grains it compressed on several threads through
 * {@link #writeCompressed}; plain {@link #write} calls compress on the calling thread.
 */
public final class VmdkStreamWriter extends DiskImage implements CompressedClusterSink {
    private static final int MARKER_EOS = 0;
    private static final int MARKER_GT = 1;
    private static final int MARKER_GD = 2;
    private static final int MARKER_FOOTER = 3;
    private static final int GRAIN_BYTES = (int) (VmdkCreator.GRAIN_SECTORS * 512);
    private final ImageFile file;
    private final long size;
    private final long capacity;
    private final SparseExtentHeader header;
    private final int[] gd;
    private final int[] gt = new int[VmdkCreator.GTES];
    private final ByteBuffer sector = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer grain = PageAlignedBuffer.allocate(GRAIN_BYTES);
    private ByteBuffer compressBuffer;
    private Deflater deflater;
    private long currentTable = -1;
    private long lastGrain = -1;
    private long bufferedGrain = -1;
    private long cursor;
    private long grainsWritten;
    private boolean finished;

    private VmdkStreamWriter(ImageFile file, long size) throws IOException {
        super(file.path(), ImageFormat.VMDK, false);
        this.file = file;
        this.size = size;
        this.capacity = (size + 511) / 512;
        long gdEntries = (capacity + VmdkCreator.GRAIN_SECTORS * VmdkCreator.GTES - 1)
                / (VmdkCreator.GRAIN_SECTORS * VmdkCreator.GTES);
        if (gdEntries > (1 << 24)) {
            throw file.error("streamOptimized size " + size + " is too large");
        }
        this.gd = new int[(int) gdEntries];
        long overhead = VmdkCreator.GRAIN_SECTORS;
        // As VMware writes it: no redundant grain directory in a stream (flags 0x30001).
        this.header = new SparseExtentHeader(3, SparseExtentHeader.FLAG_NEWLINE_DETECT
                | SparseExtentHeader.FLAG_COMPRESSED | SparseExtentHeader.FLAG_MARKERS, capacity, VmdkCreator.GRAIN_SECTORS, 1,
                VmdkCreator.DESCRIPTOR_SECTORS, VmdkCreator.GTES, 0, SparseExtentHeader.GD_AT_END, overhead, false,
                SparseExtentHeader.COMPRESSION_DEFLATE);
        VmdkDescriptor d = VmdkDescriptor.create(VmdkCreator.newCid(), VmdkDescriptor.NO_PARENT_CID,
                "streamOptimized", null, List.of(new VmdkDescriptor.ExtentLine("RW", capacity, "SPARSE",
                        file.path().getFileName().toString(), 0)), capacity, "ide");
        byte[] text = d.bytes();
        if (text.length > VmdkCreator.DESCRIPTOR_SECTORS * 512) {
            throw file.error("descriptor too long");
        }
        file.writeFully(header.toBytes(), 0);
        file.writeFully(ByteBuffer.wrap(text), 512);
        file.truncate(overhead * 512);
        this.cursor = overhead * 512;
    }

    /** Creates {@code path} (which must not exist) and returns the writer. */
    public static VmdkStreamWriter create(Path path, long size) throws IOException {
        if (size <= 0 || size > VmdkCreator.MAX_SIZE) {
            throw new DiskImageException(path, "VMDK size " + size + " is out of range");
        }
        ImageFile f = ImageFile.create(path);
        try {
            return new VmdkStreamWriter(f, size);
        } catch (IOException | RuntimeException e) {
            f.close();
            java.nio.file.Files.deleteIfExists(path);
            throw e;
        }
    }

    @Override
    public int compressedClusterSize() {
        return GRAIN_BYTES;
    }

    @Override
    public boolean zlibWrapper() {
        return true;
    }

    @Override
    public synchronized void writeCompressed(long cluster, ByteBuffer compressed, ByteBuffer raw) throws IOException {
        flushBufferedGrain();
        emitGrain(cluster, compressed);
    }

    /** Appends one grain: marker (LBA, size) and deflate data, padded to a sector. */
    private void emitGrain(long grainIndex, ByteBuffer compressed) throws IOException {
        if (finished) {
            throw file.error("streamOptimized image is already finished");
        }
        if (grainIndex <= lastGrain) {
            throw file.error("streamOptimized images are written in ascending order (grain " + grainIndex
                    + " after " + lastGrain + ")");
        }
        long table = grainIndex / VmdkCreator.GTES;
        if (table != currentTable) {
            flushTable();
            currentTable = table;
        }
        int len = compressed.remaining();
        ByteBuffer marker = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        marker.putLong(0, grainIndex * VmdkCreator.GRAIN_SECTORS);
        marker.putInt(8, len);
        file.writeFully(marker, cursor);
        file.writeFully(compressed, cursor + 12);
        gt[(int) (grainIndex % VmdkCreator.GTES)] = (int) (cursor / 512);
        long used = (12L + len + 511) & ~511L;
        // Pad the last sector with zeros: the stream must stay sector-aligned.
        long end = cursor + 12 + len;
        if (end < cursor + used) {
            ByteBuffer pad = ByteBuffer.allocate((int) (cursor + used - end));
            file.writeFully(pad, end);
        }
        cursor += used;
        lastGrain = grainIndex;
        grainsWritten++;
    }

    private void flushTable() throws IOException {
        if (currentTable < 0) {
            return;
        }
        boolean any = false;
        for (int e : gt) {
            if (e != 0) {
                any = true;
                break;
            }
        }
        if (any) {
            int tableSectors = VmdkCreator.GTES * 4 / 512;
            writeMetadataMarker(tableSectors, MARKER_GT);
            ByteBuffer b = ByteBuffer.allocate(VmdkCreator.GTES * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(gt);
            file.writeFully(b, cursor);
            gd[(int) currentTable] = (int) (cursor / 512);
            cursor += VmdkCreator.GTES * 4;
        }
        java.util.Arrays.fill(gt, 0);
    }

    private void writeMetadataMarker(long numSectors, int type) throws IOException {
        sector.clear();
        for (int i = 0; i < 512; i++) {
            sector.put(i, (byte) 0);
        }
        sector.putLong(0, numSectors);
        sector.putInt(8, 0);
        sector.putInt(12, type);
        file.writeFully(sector, cursor);
        cursor += 512;
    }

    /** Sequential writes: bytes are gathered into grains, which are compressed on this thread. */
    @Override
    public synchronized void write(long offset, ByteBuffer src) throws IOException {
        checkRange(offset, src.remaining());
        long off = offset;
        while (src.hasRemaining()) {
            long g = off / GRAIN_BYTES;
            int in = (int) (off % GRAIN_BYTES);
            if (g != bufferedGrain) {
                flushBufferedGrain();
                if (g <= lastGrain) {
                    throw file.error("streamOptimized images are written in ascending order (offset " + off + ")");
                }
                bufferedGrain = g;
                grain.clear();
                Zeros.fill(grain, GRAIN_BYTES);
            }
            int n = Math.min(src.remaining(), GRAIN_BYTES - in);
            int oldLimit = src.limit();
            src.limit(src.position() + n);
            grain.position(in);
            grain.put(src);
            src.limit(oldLimit);
            off += n;
        }
    }

    private void flushBufferedGrain() throws IOException {
        if (bufferedGrain < 0) {
            return;
        }
        long g = bufferedGrain;
        bufferedGrain = -1;
        if (Zeros.isZero(grain, 0, GRAIN_BYTES)) {
            return;
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, false);
            compressBuffer = PageAlignedBuffer.allocate(GRAIN_BYTES + GRAIN_BYTES / 8 + 1024);
        }
        deflater.reset();
        grain.clear();
        deflater.setInput(grain);
        deflater.finish();
        compressBuffer.clear();
        while (!deflater.finished()) {
            if (deflater.deflate(compressBuffer) == 0 && !compressBuffer.hasRemaining()) {
                throw file.error("grain " + g + " does not fit the compression buffer");
            }
        }
        compressBuffer.flip();
        emitGrain(g, compressBuffer);
    }

    /** Finishes the stream: last grain and table, grain directory, footer, end-of-stream marker. */
    private void finish() throws IOException {
        flushBufferedGrain();
        flushTable();
        long gdSectors = (gd.length * 4L + 511) / 512;
        writeMetadataMarker(gdSectors, MARKER_GD);
        long gdSector = cursor / 512;
        ByteBuffer b = ByteBuffer.allocate((int) (gdSectors * 512)).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(gd);
        file.writeFully(b, cursor);
        cursor += gdSectors * 512;
        writeMetadataMarker(1, MARKER_FOOTER);
        file.writeFully(header.withGdOffset(gdSector).toBytes(), cursor);
        cursor += 512;
        writeMetadataMarker(0, MARKER_EOS);
        file.truncate(cursor);
        if (durableClose()) {
            file.sync();
        }
        finished = true;
    }

    @Override
    public String subformat() {
        return "streamOptimized";
    }

    @Override
    public ParentLink parentLink() {
        return null;
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        throw new IllegalStateException("streamOptimized images have no parent here");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        throw file.error("streamOptimized image is being written; reopen it to read");
    }

    @Override
    public void flush() {
        // The stream is complete only when closed; nothing partial is worth syncing.
    }

    /** Zeros are what unwritten grains read as: nothing to write as long as the range is still ahead. */
    @Override
    public synchronized void writeZeros(long offset, long length) throws IOException {
        checkRange(offset, length);
        if (offset / GRAIN_BYTES <= lastGrain) {
            throw file.error("streamOptimized images are written in ascending order (offset " + offset + ")");
        }
        ByteBuffer z = ByteBuffer.allocate((int) Math.min(length, GRAIN_BYTES));
        long done = 0;
        if (bufferedGrain >= 0 && bufferedGrain == offset / GRAIN_BYTES) {
            while (done < length && (offset + done) / GRAIN_BYTES == bufferedGrain) {
                z.clear();
                z.limit((int) Math.min(z.capacity(), Math.min(length - done, GRAIN_BYTES - (offset + done) % GRAIN_BYTES)));
                int n = z.remaining();
                write(offset + done, z);
                done += n;
            }
        }
    }

    @Override
    public void discard(long offset, long length) {
    }

    @Override
    public Extent layerExtentAt(long offset) throws IOException {
        throw file.error("streamOptimized image is being written; reopen it to inspect it");
    }

    @Override
    public long allocatedBytes() {
        return grainsWritten * GRAIN_BYTES;
    }

    @Override
    protected synchronized void closeLayer() throws IOException {
        try {
            if (!finished) {
                finish();
            }
        } finally {
            file.close();
        }
    }
}
