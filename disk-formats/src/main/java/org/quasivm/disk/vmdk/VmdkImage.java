package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.MissingParent;

/**
 * A VMDK of any hosted layout: monolithicSparse and streamOptimized (descriptor embedded in the one sparse
 * extent), monolithicFlat, twoGbMaxExtentSparse/Flat and vmfs (separate descriptor naming the extent files).
 * The first write of a session gives the disk a new CID, so children made from it notice the change.
 */
public final class VmdkImage extends DiskImage {
    private final VmdkDescriptor descriptor;
    /** The file holding the descriptor text when it is embedded in a sparse extent, else null. */
    private final ImageFile embeddedIn;
    private final long embeddedOffset;
    private final int embeddedCapacity;
    private final List<VmdkExtent> extents;
    private final long[] starts;
    private final long size;
    private final ParentLink parentLink;
    private volatile VmdkDescriptor current;
    private volatile boolean cidRenewed;

    private VmdkImage(Path path, boolean readOnly, VmdkDescriptor descriptor, ImageFile embeddedIn, long embeddedOffset,
                      int embeddedCapacity, List<VmdkExtent> extents) throws DiskImageException {
        super(path, ImageFormat.VMDK, readOnly);
        this.descriptor = descriptor;
        this.current = descriptor;
        this.embeddedIn = embeddedIn;
        this.embeddedOffset = embeddedOffset;
        this.embeddedCapacity = embeddedCapacity;
        this.extents = List.copyOf(extents);
        this.starts = new long[extents.size()];
        long s = 0;
        for (int i = 0; i < extents.size(); i++) {
            starts[i] = s;
            s += extents.get(i).length();
        }
        this.size = s;
        this.parentLink = parentLinkOf(path, descriptor);
        if (parentLink != null) {
            MissingParent missing = new MissingParent(path, size);
            for (int i = 0; i < extents.size(); i++) {
                if (extents.get(i) instanceof VmdkExtent.Sparse sp) {
                    sp.setFallback(missing, starts[i]);
                }
            }
        }
    }

    private static ParentLink parentLinkOf(Path path, VmdkDescriptor d) throws DiskImageException {
        String hint = d.parentFileNameHint();
        if (hint == null || d.parentCid(path) == VmdkDescriptor.NO_PARENT_CID) {
            return null;
        }
        return new ParentLink(hint, ParentPaths.resolve(path, hint), ImageFormat.VMDK);
    }

    /** Opens a VMDK whose first sector is a sparse header (monolithic) or whose text is a descriptor. */
    public static VmdkImage open(Path path, boolean writable) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(512);
        List<ImageFile> opened = new ArrayList<>();
        try {
            try (var ch = java.nio.channels.FileChannel.open(path)) {
                ch.read(first, 0);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new DiskImageException(path, "no such file", e);
            }
            first.flip();
            if (SparseExtentHeader.hasMagic(first)) {
                return openMonolithic(path, writable, opened);
            }
            if (first.remaining() >= 4 && first.getInt(0) == 0x434f5744) { // "COWD"
                throw new DiskImageException(path, "not supported: ESX/VMDK3 (COWD) sparse extents");
            }
            long len = Files.size(path);
            if (len > VmdkDescriptor.MAX_TEXT_BYTES) {
                throw new DiskImageException(path, "neither a sparse extent nor a descriptor (" + len
                        + " bytes is too large for a descriptor file)");
            }
            byte[] text = Files.readAllBytes(path);
            VmdkDescriptor d = VmdkDescriptor.parse(path, text, text.length);
            List<VmdkExtent> extents = openExtents(path, d, writable, null, opened);
            return new VmdkImage(path, !writable, d, null, 0, 0, extents);
        } catch (IOException | RuntimeException e) {
            for (ImageFile f : opened) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // reporting the first failure
                }
            }
            throw e;
        }
    }

    private static VmdkImage openMonolithic(Path path, boolean writable, List<ImageFile> opened) throws IOException {
        ImageFile file = ImageFile.open(path, writable);
        opened.add(file);
        ByteBuffer hb = ByteBuffer.allocate(SparseExtentHeader.SIZE);
        file.readFully(hb, 0, "sparse extent header");
        hb.flip();
        SparseExtentHeader h = SparseExtentHeader.parse(path, hb, "sparse extent header");
        VmdkDescriptor d;
        long descOffset = h.descriptorOffset() * 512;
        int descCapacity = (int) (h.descriptorSize() * 512);
        if (h.descriptorSize() == 0) {
            // An extent file opened on its own: describe it as a one-extent disk.
            VmdkSparseMap probe = VmdkSparseMap.open(file, writable);
            d = VmdkDescriptor.create(0xfffffffeL, VmdkDescriptor.NO_PARENT_CID,
                    probe.header().compressed() ? "streamOptimized" : "monolithicSparse", null,
                    List.of(new VmdkDescriptor.ExtentLine("RW", probe.header().capacity(), "SPARSE",
                            path.getFileName().toString(), 0)), probe.header().capacity(), "ide");
            VmdkExtent e = sparseExtent(file, probe, probe.header().capacity() * 512);
            return new VmdkImage(path, !writable, d, null, 0, 0, List.of(e));
        }
        if (descOffset > file.size() - descCapacity) {
            throw file.error("embedded descriptor (sector " + h.descriptorOffset() + ", " + h.descriptorSize()
                    + " sectors) lies past the end of the file");
        }
        ByteBuffer db = ByteBuffer.allocate(descCapacity);
        file.readFully(db, descOffset, "embedded descriptor");
        d = VmdkDescriptor.parse(path, db.array(), descCapacity);
        List<VmdkExtent> extents;
        if (d.extents().size() == 1 && d.extents().get(0).type().equals("SPARSE")) {
            // A monolithic file is its own extent whatever name its descriptor recorded (renamed or exported
            // files keep the old name inside).
            VmdkSparseMap map = VmdkSparseMap.open(file, writable);
            long sectors = d.extents().get(0).sectors();
            if (sectors <= 0 || sectors > map.header().capacity()) {
                throw file.error("descriptor gives the extent " + sectors + " sectors, the header "
                        + map.header().capacity());
            }
            extents = List.of(sparseExtent(file, map, sectors * 512));
        } else {
            extents = openExtents(path, d, writable, file, opened);
        }
        return new VmdkImage(path, !writable, d, file, descOffset, descCapacity, extents);
    }

    private static VmdkExtent sparseExtent(ImageFile file, VmdkSparseMap map, long length) {
        ClusteredStore store = new ClusteredStore(file, map, length);
        return new VmdkExtent.Sparse(file, map, store, length);
    }

    private static List<VmdkExtent> openExtents(Path descriptorPath, VmdkDescriptor d, boolean writable,
                                                ImageFile self, List<ImageFile> opened) throws IOException {
        List<VmdkExtent> out = new ArrayList<>();
        long total = 0;
        for (VmdkDescriptor.ExtentLine line : d.extents()) {
            if (line.sectors() <= 0 || line.sectors() > SparseExtentHeader.MAX_CAPACITY_SECTORS
                    || total + line.sectors() > SparseExtentHeader.MAX_CAPACITY_SECTORS) {
                throw new DiskImageException(descriptorPath, "extent of " + line.sectors()
                        + " sectors makes the disk larger than the supported 128 TiB");
            }
            total += line.sectors();
            long length = line.sectors() * 512;
            if (line.access().equals("NOACCESS")) {
                throw new DiskImageException(descriptorPath, "not supported: NOACCESS extents");
            }
            if (writable && line.access().equals("RDONLY")) {
                throw new DiskImageException(descriptorPath, "extent \"" + line.fileName()
                        + "\" is read-only (RDONLY in the descriptor)");
            }
            switch (line.type()) {
                case "ZERO" -> out.add(new VmdkExtent.Zero(length));
                case "SPARSE" -> {
                    ImageFile f = extentFile(descriptorPath, line, writable, self, opened);
                    VmdkSparseMap map = VmdkSparseMap.open(f, writable);
                    if (map.header().capacity() < line.sectors()) {
                        throw f.error("sparse extent holds " + map.header().capacity()
                                + " sectors but the descriptor gives it " + line.sectors());
                    }
                    out.add(sparseExtent(f, map, length));
                }
                case "FLAT", "VMFS" -> {
                    ImageFile f = extentFile(descriptorPath, line, writable, self, opened);
                    long base = line.offset() * 512;
                    if (line.offset() < 0 || line.offset() > SparseExtentHeader.MAX_CAPACITY_SECTORS) {
                        throw f.error("flat extent offset " + line.offset() + " is out of range");
                    }
                    if (f.size() < base + length) {
                        throw f.error("file is " + f.size() + " bytes but the descriptor needs " + (base + length)
                                + " (truncated flat extent)");
                    }
                    out.add(new VmdkExtent.Flat(f, base, length));
                }
                default -> throw new DiskImageException(descriptorPath, "not supported: " + line.type() + " extents");
            }
        }
        return out;
    }

    private static ImageFile extentFile(Path descriptorPath, VmdkDescriptor.ExtentLine line, boolean writable,
                                        ImageFile self, List<ImageFile> opened) throws IOException {
        if (line.fileName() == null || line.fileName().isEmpty()) {
            throw new DiskImageException(descriptorPath, line.type() + " extent without a file name");
        }
        Path p = ParentPaths.extentPath(descriptorPath, line.fileName());
        if (self != null && Files.exists(p) && Files.isSameFile(p, self.path())) {
            return self;
        }
        for (ImageFile f : opened) {
            if (Files.exists(p) && Files.isSameFile(p, f.path())) {
                return f; // several extents may be regions of one file
            }
        }
        ImageFile f = ImageFile.open(p, writable);
        opened.add(f);
        return f;
    }

    public VmdkDescriptor descriptor() {
        return current;
    }

    public long cid() throws DiskImageException {
        return current.cid(path());
    }

    public long parentCid() throws DiskImageException {
        return current.parentCid(path());
    }

    List<VmdkExtent> extents() {
        return extents;
    }

    @Override
    public String subformat() {
        return descriptor.createType();
    }

    @Override
    public ParentLink parentLink() {
        return parentLink;
    }

    @Override
    protected void validateParent(DiskImage parent) throws DiskImageException {
        if (!(parent instanceof VmdkImage p)) {
            throw new DiskImageException(path(), "parent " + parent.path().getFileName() + " is "
                    + parent.format().id() + ", but a VMDK's parent must be a VMDK");
        }
        long want = parentCid();
        long have = p.cid();
        if (want != have) {
            throw new DiskImageException(path(), String.format(Locale.ROOT,
                    "parent %s was modified after this child was made (parentCID %08x, parent CID %08x)",
                    parent.path().getFileName(), want, have));
        }
        if (p.size() < size) {
            warn("parent " + p.path().getFileName() + " is smaller (" + p.size() + " bytes) than this disk ("
                    + size + ")");
        }
    }

    @Override
    protected void rewriteParent(DiskImage parent, String reference) throws IOException {
        checkWritable();
        if (parent == null) {
            writeDescriptor(current.with("parentCID", "ffffffff", false).with("parentFileNameHint", null, true));
            return;
        }
        if (!(parent instanceof VmdkImage p)) {
            throw new DiskImageException(path(), "a VMDK's parent must be a VMDK, " + parent.path().getFileName()
                    + " is " + parent.format().id());
        }
        writeDescriptor(current.withParent(p.cid(), reference));
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        for (int i = 0; i < extents.size(); i++) {
            if (extents.get(i) instanceof VmdkExtent.Sparse sp) {
                sp.setFallback(parent, starts[i]);
            }
        }
    }

    @Override
    public long size() {
        return size;
    }

    private int extentIndex(long offset) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        long off = offset;
        while (dst.hasRemaining()) {
            int i = extentIndex(off);
            VmdkExtent e = extents.get(i);
            long in = off - starts[i];
            int n = (int) Math.min(dst.remaining(), e.length() - in);
            int oldLimit = dst.limit();
            dst.limit(dst.position() + n);
            try {
                e.read(in, dst);
            } finally {
                dst.limit(oldLimit);
            }
            off += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        renewCid();
        long off = offset;
        while (src.hasRemaining()) {
            int i = extentIndex(off);
            VmdkExtent e = extents.get(i);
            long in = off - starts[i];
            int n = (int) Math.min(src.remaining(), e.length() - in);
            int oldLimit = src.limit();
            src.limit(src.position() + n);
            try {
                e.write(in, src);
            } finally {
                src.limit(oldLimit);
            }
            off += n;
        }
    }

    /** Gives the disk a new CID before its first change, as VMware does, so children detect the change. */
    private void renewCid() throws IOException {
        if (cidRenewed) {
            return;
        }
        synchronized (this) {
            if (cidRenewed) {
                return;
            }
            long old = cid();
            long cid;
            do {
                cid = ThreadLocalRandom.current().nextLong(0x100000000L);
            } while (cid == old || cid == VmdkDescriptor.NO_PARENT_CID || cid == 0xfffffffeL);
            writeDescriptor(current.withCid(cid));
            cidRenewed = true;
        }
    }

    /** Replaces the descriptor text: in place when embedded, else through a temp file and an atomic rename. */
    synchronized void writeDescriptor(VmdkDescriptor d) throws IOException {
        checkWritable();
        byte[] bytes = d.bytes();
        if (embeddedIn != null) {
            if (bytes.length > embeddedCapacity) {
                throw embeddedIn.error("descriptor (" + bytes.length + " bytes) does not fit the "
                        + embeddedCapacity + " bytes reserved for it");
            }
            ByteBuffer b = ByteBuffer.allocate(embeddedCapacity);
            b.put(bytes);
            b.clear();
            embeddedIn.writeFully(b, embeddedOffset);
        } else {
            Path tmp = path().resolveSibling(path().getFileName() + ".tmp");
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        current = d;
    }

    @Override
    public void flush() throws IOException {
        for (VmdkExtent e : extents) {
            e.flush();
        }
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        renewCid();
        forEachPiece(offset, length, (e, in, n) -> e.writeZeros(in, n));
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        renewCid();
        forEachPiece(offset, length, (e, in, n) -> e.discard(in, n));
    }

    private interface PieceAction {
        void apply(VmdkExtent e, long in, long n) throws IOException;
    }

    private void forEachPiece(long offset, long length, PieceAction action) throws IOException {
        long off = offset;
        long end = offset + length;
        while (off < end) {
            int i = extentIndex(off);
            VmdkExtent e = extents.get(i);
            long in = off - starts[i];
            long n = Math.min(end - off, e.length() - in);
            action.apply(e, in, n);
            off += n;
        }
    }

    @Override
    public Extent layerExtentAt(long offset) throws IOException {
        int i = extentIndex(offset);
        return extents.get(i).layerExtentAt(offset - starts[i], starts[i]);
    }

    @Override
    public long allocatedBytes() throws IOException {
        long n = 0;
        for (VmdkExtent e : extents) {
            n += e.allocatedBytes();
        }
        return n;
    }

    @Override
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        if (embeddedIn == null) {
            out.add(path());
        }
        for (VmdkExtent e : extents) {
            if (e.file() != null && !out.contains(e.file().path())) {
                out.add(e.file().path());
            }
        }
        return out;
    }

    @Override
    public void bypassPageCacheForData() {
        for (VmdkExtent e : extents) { // a no-op on extents opened read-only
            if (e.file() != null) {
                e.file().bypassPageCacheForData();
            }
        }
    }

    @Override
    protected void closeLayer() throws IOException {
        IOException failure = null;
        List<ImageFile> closed = new ArrayList<>();
        for (VmdkExtent e : extents) {
            ImageFile f = e.file();
            if (f == null || closed.contains(f)) {
                continue;
            }
            closed.add(f);
            try {
                f.close();
            } catch (IOException ex) {
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
