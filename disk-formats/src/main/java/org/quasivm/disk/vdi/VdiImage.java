package org.quasivm.disk.vdi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.MissingParent;

/**
 * A VirtualBox VDI: dynamic and fixed (read and write), differencing (read). A VDI stores no parent path,
 * only the parent's UUID (VirtualBox keeps paths in its media registry), so the parent of a differencing
 * image is looked for among the files next to it.
 */
public final class VdiImage extends DiskImage {
    private static final int MAX_SIBLINGS_SCANNED = 4096;
    private final ImageFile file;
    private final VdiHeader header;
    private final VdiBlockMap map;
    private final ClusteredStore store;
    private final ParentLink parentLink;
    private volatile boolean modifyUuidRenewed;

    private VdiImage(ImageFile file, boolean readOnly, VdiHeader header, VdiBlockMap map, ParentLink parentLink) {
        super(file.path(), ImageFormat.VDI, readOnly);
        this.file = file;
        this.header = header;
        this.map = map;
        this.store = new ClusteredStore(file, map, header.diskSize());
        this.parentLink = parentLink;
        if (parentLink != null) {
            store.setFallback(new MissingParent(file.path(), header.diskSize()), 0);
        }
    }

    public static VdiImage open(Path path, boolean writable) throws IOException {
        ImageFile file = ImageFile.open(path, writable);
        try {
            return open(file, writable);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static VdiImage open(ImageFile file, boolean writable) throws IOException {
        long fileSize = file.size();
        ByteBuffer hb = ByteBuffer.allocate(VdiHeader.FIELDS_END);
        file.readFully(hb, 0, "VDI header");
        hb.flip();
        VdiHeader h = VdiHeader.parse(file.path(), hb, fileSize);
        if (writable && h.imageType() == VdiHeader.TYPE_DIFF) {
            throw file.error("not supported: writing VDI differencing images (they are read-only here)");
        }
        ByteBuffer mb = ByteBuffer.allocate((int) (h.blocks() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        file.readFully(mb, h.blocksOffset(), "VDI block map");
        mb.flip();
        int[] entries = new int[(int) h.blocks()];
        mb.asIntBuffer().get(entries);
        long next = 0;
        for (int i = 0; i < entries.length; i++) {
            int e = entries[i];
            if (e == VdiBlockMap.UNALLOCATED_ENTRY || e == VdiBlockMap.ZERO_ENTRY) {
                continue;
            }
            long idx = e & 0xffffffffL;
            if (idx >= h.blocks()) {
                throw file.error("block map entry " + i + " names data block " + idx + " of only " + h.blocks());
            }
            if (h.dataOffset() + idx * h.blockSize() >= fileSize) {
                throw file.error("block map entry " + i + " points past the end of the file");
            }
            next = Math.max(next, idx + 1);
        }
        next = Math.max(next, h.blocksAllocated());
        VdiBlockMap map = new VdiBlockMap(file, entries, h.blocksOffset(), h.dataOffset(), h.blockSize(), next,
                writable);
        if (writable) {
            long end = h.dataOffset() + next * h.blockSize();
            if (fileSize > end) {
                file.truncate(end); // drop what a crash left behind the last block
            }
            if (next != h.blocksAllocated()) {
                map.writeAllocatedCount();
            }
        }
        ParentLink link = h.imageType() == VdiHeader.TYPE_DIFF ? findParent(file.path(), h) : null;
        return new VdiImage(file, !writable, h, map, link);
    }

    /** Looks next to the child for the VDI whose creation UUID is the child's linkage UUID. */
    private static ParentLink findParent(Path child, VdiHeader h) throws IOException {
        String ref = "{" + VdiHeader.formatUuid(h.uuidLinkage()) + "}";
        Path dir = child.toAbsolutePath().getParent();
        int scanned = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (++scanned > MAX_SIBLINGS_SCANNED) {
                    break;
                }
                if (!Files.isRegularFile(p) || Files.isSameFile(p, child)) {
                    continue;
                }
                byte[] uuid = creationUuid(p);
                if (uuid != null && Arrays.equals(uuid, h.uuidLinkage())) {
                    return new ParentLink(ref, p, ImageFormat.VDI);
                }
            }
        }
        return new ParentLink(ref, dir.resolve(ref), ImageFormat.VDI);
    }

    private static byte[] creationUuid(Path p) {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(0x198).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // fill
            }
            if (b.position() < 0x198 || b.getInt(0x40) != VdiHeader.SIGNATURE) {
                return null;
            }
            byte[] u = new byte[16];
            b.get(0x188, u);
            return u;
        } catch (IOException e) {
            return null;
        }
    }

    public VdiHeader header() {
        return header;
    }

    VdiBlockMap blockMap() {
        return map;
    }

    ImageFile file() {
        return file;
    }

    @Override
    public String subformat() {
        return header.typeName();
    }

    @Override
    public ParentLink parentLink() {
        return parentLink;
    }

    @Override
    protected void validateParent(DiskImage parent) throws DiskImageException {
        if (!(parent instanceof VdiImage p)) {
            throw new DiskImageException(path(), "parent " + parent.path().getFileName() + " is "
                    + parent.format().id() + ", but a VDI's parent must be a VDI");
        }
        if (!Arrays.equals(header.uuidLinkage(), p.header.uuidCreate())) {
            throw new DiskImageException(path(), "parent " + p.path().getFileName() + " has UUID "
                    + VdiHeader.formatUuid(p.header.uuidCreate()) + ", this child needs "
                    + VdiHeader.formatUuid(header.uuidLinkage()));
        }
        if (!VdiHeader.isNil(header.uuidParentModify())
                && !Arrays.equals(header.uuidParentModify(), p.header.uuidModify())) {
            warn("parent " + p.path().getFileName() + " was modified after this child was made");
        }
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        store.setFallback(parent, 0);
    }

    @Override
    public long size() {
        return header.diskSize();
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
        renewModifyUuid();
        store.write(offset, src);
    }

    /** VirtualBox gives an image a new modification UUID when it changes; children use it to notice. */
    private void renewModifyUuid() throws IOException {
        if (modifyUuidRenewed) {
            return;
        }
        synchronized (this) {
            if (modifyUuidRenewed) {
                return;
            }
            UUID u = UUID.randomUUID();
            ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits());
            b.flip();
            file.writeFully(b, 0x198);
            modifyUuidRenewed = true;
        }
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
        renewModifyUuid();
        store.writeZeros(offset, length);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        renewModifyUuid();
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
    public void bypassPageCacheForData() {
        file.bypassPageCacheForData(); // a no-op on a file opened read-only
    }

    @Override
    protected void closeLayer() throws IOException {
        file.close();
    }
}
