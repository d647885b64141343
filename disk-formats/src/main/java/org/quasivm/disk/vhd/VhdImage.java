package org.quasivm.disk.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.ParentLink;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.ImageFile;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.sparse.ClusteredStore;
import org.quasivm.disk.sparse.MissingParent;

/** A fixed, dynamic or differencing VHD (Virtual PC / Hyper-V). */
public final class VhdImage extends DiskImage {
    /** BAT entries accepted: 2^22 blocks (8 TiB of 2 MiB blocks; the format stops at 2 TiB). */
    static final long MAX_BAT_ENTRIES = 1L << 22;
    static final int MAX_LOCATOR_BYTES = 64 * 1024;
    private final ImageFile file;
    private volatile VhdFooter footer;
    private final VhdDynamicHeader dynamic;
    private final VhdBlockMap map;
    private final ClusteredStore store;
    private final long size;
    private final ParentLink parentLink;

    private VhdImage(ImageFile file, boolean readOnly, VhdFooter footer, VhdDynamicHeader dynamic, VhdBlockMap map,
                     ParentLink parentLink) throws DiskImageException {
        super(file.path(), ImageFormat.VHD, readOnly);
        this.file = file;
        this.footer = footer;
        this.dynamic = dynamic;
        this.map = map;
        this.size = footer.virtualSize();
        this.store = map == null ? null : new ClusteredStore(file, map, size);
        this.parentLink = parentLink;
        if (parentLink != null) {
            store.setFallback(new MissingParent(file.path(), size), 0);
        }
    }

    public static VhdImage open(Path path, boolean writable) throws IOException {
        ImageFile file = ImageFile.open(path, writable);
        try {
            return open(file, writable);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static VhdImage open(ImageFile file, boolean writable) throws IOException {
        long fileSize = file.size();
        if (fileSize < VhdFooter.SIZE) {
            throw file.error("file is " + fileSize + " bytes, too short for a VHD footer");
        }
        ByteBuffer tail = ByteBuffer.allocate(VhdFooter.SIZE);
        file.readFully(tail, fileSize - VhdFooter.SIZE, "footer");
        tail.flip();
        VhdFooter footer;
        boolean tailValid = VhdFooter.checksumValid(tail);
        List<String> warnings = new ArrayList<>();
        if (tailValid) {
            footer = VhdFooter.parse(file.path(), tail, "footer");
        } else {
            ByteBuffer head = ByteBuffer.allocate(VhdFooter.SIZE);
            file.readFully(head, 0, "footer copy");
            head.flip();
            if (!VhdFooter.checksumValid(head)) {
                // Report what is wrong with the footer proper.
                VhdFooter.parse(file.path(), tail, "footer");
                throw file.error("footer is damaged");
            }
            footer = VhdFooter.parse(file.path(), head, "footer copy");
            if (footer.diskType() == VhdFooter.TYPE_FIXED) {
                throw file.error("footer at the end of the file is missing or damaged");
            }
            warnings.add("footer at the end of the file is missing or damaged; using the copy at offset 0");
        }
        VhdImage img;
        if (footer.diskType() == VhdFooter.TYPE_FIXED) {
            long data = fileSize - VhdFooter.SIZE;
            if (footer.virtualSize() > data) {
                throw file.error("fixed VHD holds " + data + " bytes of data but its footer says "
                        + footer.virtualSize() + " (truncated image?)");
            }
            img = new VhdImage(file, !writable, footer, null, null, null);
        } else {
            img = openDynamic(file, footer, fileSize, writable);
        }
        for (String w : warnings) {
            img.warn(w);
        }
        return img;
    }

    private static VhdImage openDynamic(ImageFile file, VhdFooter footer, long fileSize, boolean writable)
            throws IOException {
        long dataOffset = footer.dataOffset();
        if (dataOffset < VhdFooter.SIZE || dataOffset > fileSize - VhdDynamicHeader.SIZE) {
            throw file.error("dynamic disk header offset " + Long.toUnsignedString(dataOffset)
                    + " lies outside the file");
        }
        ByteBuffer hb = ByteBuffer.allocate(VhdDynamicHeader.SIZE);
        file.readFully(hb, dataOffset, "dynamic disk header");
        hb.flip();
        VhdDynamicHeader h = VhdDynamicHeader.parse(file.path(), hb);
        long entries = h.maxTableEntries();
        if (entries > MAX_BAT_ENTRIES) {
            throw file.error("block allocation table has " + entries + " entries (limit " + MAX_BAT_ENTRIES + ")");
        }
        long size = footer.virtualSize();
        if (entries * h.blockSize() < size) {
            throw file.error("block allocation table covers " + entries * h.blockSize()
                    + " bytes, less than the disk size " + size);
        }
        long batBytes = entries * 4;
        if (h.tableOffset() < VhdFooter.SIZE || h.tableOffset() > fileSize - batBytes) {
            throw file.error("block allocation table (offset " + h.tableOffset() + ", " + entries
                    + " entries) lies past the end of the file");
        }
        ByteBuffer bb = ByteBuffer.allocate((int) batBytes).order(ByteOrder.BIG_ENDIAN);
        file.readFully(bb, h.tableOffset(), "block allocation table");
        bb.flip();
        int[] bat = new int[(int) entries];
        bb.asIntBuffer().get(bat);
        // Metadata the blocks must not overlap: footer copy, dynamic header, BAT, locator data.
        List<long[]> metadata = new ArrayList<>();
        metadata.add(new long[] {0, VhdFooter.SIZE});
        metadata.add(new long[] {dataOffset, dataOffset + VhdDynamicHeader.SIZE});
        metadata.add(new long[] {h.tableOffset(), h.tableOffset() + batBytes});
        long metaEnd = (h.tableOffset() + batBytes + 511) & ~511L;
        metaEnd = Math.max(metaEnd, dataOffset + VhdDynamicHeader.SIZE);
        if (footer.differencing()) {
            for (VhdDynamicHeader.Locator l : h.locators()) {
                long len = l.dataLength() & 0xffffffffL;
                if (l.dataOffset() >= 0 && len <= MAX_LOCATOR_BYTES && l.dataOffset() <= fileSize - len) {
                    metadata.add(new long[] {l.dataOffset(), l.dataOffset() + len});
                    metaEnd = Math.max(metaEnd, (l.dataOffset() + len + 511) & ~511L);
                }
            }
        }
        int bitmapBytes = h.bitmapBytes();
        long blockSpan = (long) bitmapBytes + h.blockSize();
        long nextFree = metaEnd;
        for (int i = 0; i < bat.length; i++) {
            if (bat[i] == -1) {
                continue;
            }
            long start = (bat[i] & 0xffffffffL) * 512;
            if (start > fileSize - bitmapBytes) {
                throw file.error("block allocation table entry " + i + " points past the end of the file");
            }
            for (long[] m : metadata) {
                if (start < m[1] && start + blockSpan > m[0]) {
                    throw file.error("block allocation table entry " + i + " points into metadata (offset "
                            + start + ")");
                }
            }
            nextFree = Math.max(nextFree, start + blockSpan);
        }
        if (nextFree > fileSize) {
            throw file.error("the last block ends at " + nextFree + " but the file is " + fileSize
                    + " bytes (truncated image?)");
        }
        ByteBuffer footerBytes = footer.toBytes();
        VhdBlockMap map = new VhdBlockMap(file, h, bat, nextFree, footerBytes, footer.differencing());
        ParentLink link = footer.differencing() ? parentLinkOf(file, h, fileSize) : null;
        if (writable && fileSize != nextFree + VhdFooter.SIZE) {
            // Trim whatever a crash left behind the last block and put the footer back at the end.
            file.truncate(nextFree);
            footerBytes.clear();
            file.writeFully(footerBytes, nextFree);
        } else if (writable) {
            footerBytes.clear();
            ByteBuffer tail = ByteBuffer.allocate(VhdFooter.SIZE);
            file.readFully(tail, nextFree, "footer");
            tail.flip();
            if (!tail.equals(footerBytes)) {
                footerBytes.clear();
                file.writeFully(footerBytes, nextFree);
            }
        }
        return new VhdImage(file, !writable, footer, h, map, link);
    }

    /** The parent's location from the locators (relative first), falling back to the stored parent file name. */
    private static ParentLink parentLinkOf(ImageFile file, VhdDynamicHeader h, long fileSize) throws IOException {
        List<String> refs = new ArrayList<>();
        int[] order = {VhdDynamicHeader.LOCATOR_W2RU, VhdDynamicHeader.LOCATOR_W2KU, VhdDynamicHeader.LOCATOR_MACX,
            VhdDynamicHeader.LOCATOR_WI2R, VhdDynamicHeader.LOCATOR_WI2K};
        for (int code : order) {
            for (VhdDynamicHeader.Locator l : h.locators()) {
                if (l.code() != code) {
                    continue;
                }
                long len = l.dataLength() & 0xffffffffL;
                if (len == 0) {
                    continue;
                }
                if (len > MAX_LOCATOR_BYTES || l.dataOffset() < 0 || l.dataOffset() > fileSize - len) {
                    throw file.error("parent locator " + l.codeName() + " (" + len + " bytes at offset "
                            + l.dataOffset() + ") lies outside the file");
                }
                ByteBuffer b = ByteBuffer.allocate((int) len);
                file.readFully(b, l.dataOffset(), "parent locator " + l.codeName());
                String s = switch (code) {
                    case VhdDynamicHeader.LOCATOR_W2RU, VhdDynamicHeader.LOCATOR_W2KU ->
                        new String(b.array(), StandardCharsets.UTF_16LE);
                    case VhdDynamicHeader.LOCATOR_MACX -> fileUrlPath(new String(b.array(), StandardCharsets.UTF_8));
                    default -> new String(b.array(), StandardCharsets.ISO_8859_1);
                };
                s = trimNuls(s);
                if (!s.isEmpty()) {
                    refs.add(s);
                }
            }
        }
        if (!h.parentName().isEmpty()) {
            refs.add(trimNuls(h.parentName()));
        }
        if (refs.isEmpty()) {
            throw file.error("differencing disk names no parent (no parent locators and no parent name)");
        }
        for (String r : refs) {
            Path p = ParentPaths.resolve(file.path(), r);
            if (Files.isRegularFile(p)) {
                return new ParentLink(r, p, ImageFormat.VHD);
            }
        }
        return new ParentLink(refs.get(0), ParentPaths.resolve(file.path(), refs.get(0)), ImageFormat.VHD);
    }

    private static String fileUrlPath(String url) {
        String u = url.trim();
        if (u.startsWith("file://")) {
            u = u.substring("file://".length());
            if (u.startsWith("localhost/")) {
                u = u.substring("localhost".length());
            }
            return java.net.URLDecoder.decode(u.replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        return u;
    }

    private static String trimNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == 0) {
            end--;
        }
        int nul = s.indexOf('\0');
        return s.substring(0, nul >= 0 && nul < end ? nul : end);
    }

    public VhdFooter footer() {
        return footer;
    }

    /** The dynamic disk header, or null for a fixed disk. */
    public VhdDynamicHeader dynamicHeader() {
        return dynamic;
    }

    VhdBlockMap blockMap() {
        return map;
    }

    ImageFile file() {
        return file;
    }

    @Override
    public String subformat() {
        return footer.typeName();
    }

    @Override
    public ParentLink parentLink() {
        return parentLink;
    }

    @Override
    protected void validateParent(DiskImage parent) throws DiskImageException {
        if (!(parent instanceof VhdImage p)) {
            throw new DiskImageException(path(), "parent " + parent.path().getFileName() + " is "
                    + parent.format().id() + ", but a differencing VHD's parent must be a VHD");
        }
        if (!Arrays.equals(dynamic.parentUuid(), p.footer.uniqueId())) {
            throw new DiskImageException(path(), "parent " + p.path().getFileName()
                    + " is not the disk this child was made from (parent UUID " + VhdUuid.format(dynamic.parentUuid())
                    + ", found " + VhdUuid.format(p.footer.uniqueId()) + ")");
        }
        int stamp = dynamic.parentTimestamp();
        int mtime;
        try {
            mtime = VhdFooter.vhdTime(Files.getLastModifiedTime(p.path()).toInstant().getEpochSecond());
        } catch (IOException e) {
            mtime = stamp;
        }
        if (stamp != p.footer.timestamp() && stamp != mtime) {
            warn("parent " + p.path().getFileName() + " time stamp differs from the one recorded in this child"
                    + " (the parent may have been changed or copied)");
        }
        if (p.size() != size) {
            warn("parent " + p.path().getFileName() + " is " + p.size() + " bytes, this disk " + size);
        }
    }

    /**
     * Re-points a differencing disk (parent UUID, time stamp, name and locators, written into the space the
     * locators already reserve), or turns it into a dynamic disk when {@code parent} is null.
     */
    @Override
    protected void rewriteParent(DiskImage parent, String reference) throws IOException {
        checkWritable();
        if (dynamic == null || !footer.differencing()) {
            throw file.error("only a differencing VHD has a parent to change");
        }
        VhdFooter f = footer;
        VhdDynamicHeader h;
        if (parent == null) {
            f = f.withType(VhdFooter.TYPE_DYNAMIC);
            h = new VhdDynamicHeader(dynamic.tableOffset(), dynamic.maxTableEntries(), dynamic.blockSize(),
                    new byte[16], 0, "", java.util.List.of());
        } else {
            if (!(parent instanceof VhdImage p)) {
                throw file.error("a differencing VHD's parent must be a VHD, " + parent.path().getFileName()
                        + " is " + parent.format().id());
            }
            String windowsRelative = reference.startsWith("/") ? reference : ".\\" + reference.replace('/', '\\');
            byte[] rel = windowsRelative.getBytes(StandardCharsets.UTF_16LE);
            byte[] abs = p.path().toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_16LE);
            List<VhdDynamicHeader.Locator> slots = new ArrayList<>(dynamic.locators());
            if (slots.size() < 2) {
                throw file.error("not supported: re-pointing a VHD without two parent locator slots");
            }
            List<VhdDynamicHeader.Locator> out = new ArrayList<>();
            byte[][] data = {rel, abs};
            int[] codes = {VhdDynamicHeader.LOCATOR_W2RU, VhdDynamicHeader.LOCATOR_W2KU};
            for (int i = 0; i < 2; i++) {
                VhdDynamicHeader.Locator slot = slots.get(i);
                long room = Math.max(slot.dataSpace() & 0xffffffffL, slot.dataLength() & 0xffffffffL);
                if (data[i].length > room) {
                    throw file.error("not supported: the new parent path does not fit the locator space ("
                            + data[i].length + " > " + room + " bytes)");
                }
                ByteBuffer d = ByteBuffer.allocate((int) room);
                d.put(data[i]);
                d.clear();
                file.writeFully(d, slot.dataOffset());
                out.add(new VhdDynamicHeader.Locator(codes[i], slot.dataSpace(), data[i].length, slot.dataOffset()));
            }
            int stamp = VhdFooter.vhdTime(Files.getLastModifiedTime(p.path()).toInstant().getEpochSecond());
            h = new VhdDynamicHeader(dynamic.tableOffset(), dynamic.maxTableEntries(), dynamic.blockSize(),
                    p.footer.uniqueId(), stamp, p.path().getFileName().toString(), out);
        }
        file.writeFully(h.toBytes(), f.dataOffset());
        ByteBuffer fb = f.toBytes();
        file.writeFully(fb, 0);
        fb.clear();
        file.writeFully(fb, map.nextFree());
        fb.clear();
        map.setFooter(fb);
        file.sync();
        footer = f;
    }

    @Override
    protected void onBackingAttached(DiskImage parent) {
        store.setFallback(parent, 0);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        if (store == null) {
            file.readZeroPadded(dst, offset);
        } else {
            store.read(offset, dst);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        if (store == null) {
            file.writeFully(src, offset);
        } else {
            store.write(offset, src);
        }
    }

    @Override
    public void flush() throws IOException {
        if (isReadOnly()) {
            return;
        }
        if (store == null) {
            file.sync();
        } else {
            store.flush();
        }
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        if (store != null) {
            store.writeZeros(offset, length);
            return;
        }
        ByteBuffer z = PageAlignedBuffer.allocate((int) Math.min(1 << 20, Math.max(1, length)));
        long done = 0;
        while (done < length) {
            z.clear();
            z.limit((int) Math.min(z.capacity(), length - done));
            int n = z.remaining();
            file.writeFully(z, offset + done);
            done += n;
        }
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
    }

    @Override
    public Extent layerExtentAt(long offset) throws IOException {
        if (store == null) {
            return new Extent(offset, size - offset, Extent.Kind.DATA);
        }
        return store.layerExtentAt(offset);
    }

    @Override
    public long allocatedBytes() throws IOException {
        return store == null ? size : store.allocatedBytes();
    }

    /**
     * Grows a closed VHD. A fixed disk gets its footer moved to the new end. A dynamic or differencing disk whose
     * block table is too small gets a bigger table written behind its last block; the dynamic header switching
     * to it is the commit point, then both footers record the new size.
     */
    public static void resize(Path path, long newSize) throws IOException {
        try (VhdImage img = open(path, true)) {
            img.growTo(newSize);
        }
    }

    private void growTo(long requested) throws IOException {
        long newSize = (requested + 511) & ~511L;
        if (newSize < size) {
            throw file.error("not supported: shrinking a VHD");
        }
        if (newSize > VhdCreator.MAX_SIZE) {
            throw file.error("VHD size " + newSize + " exceeds the format's limit of 2040 GiB");
        }
        VhdFooter f = footer.withCurrentSize(newSize, VhdGeometry.forSectors(newSize / 512));
        if (store == null) {
            file.writeFully(f.toBytes(), newSize);
            file.truncate(newSize + VhdFooter.SIZE);
            file.sync();
            return;
        }
        long end = map.nextFree();
        long entries = (newSize + dynamic.blockSize() - 1) / dynamic.blockSize();
        if (entries > dynamic.maxTableEntries()) {
            if (entries > MAX_BAT_ENTRIES) {
                throw file.error("size " + newSize + " needs more than " + MAX_BAT_ENTRIES + " blocks");
            }
            long batBytes = (entries * 4 + 511) & ~511L;
            ByteBuffer bat = ByteBuffer.allocate((int) batBytes).order(ByteOrder.BIG_ENDIAN);
            int[] old = map.bat();
            for (int i = 0; i < batBytes / 4; i++) {
                bat.putInt(i * 4, i < old.length ? old[i] : -1);
            }
            long batAt = end;
            file.writeFully(bat, batAt);
            end = batAt + batBytes;
            file.writeFully(f.toBytes(), end);
            file.sync();
            VhdDynamicHeader h = new VhdDynamicHeader(batAt, entries, dynamic.blockSize(), dynamic.parentUuid(),
                    dynamic.parentTimestamp(), dynamic.parentName(), dynamic.locators());
            file.writeFully(h.toBytes(), footer.dataOffset());
        } else {
            file.writeFully(f.toBytes(), end);
        }
        file.sync();
        file.writeFully(f.toBytes(), 0);
        file.sync();
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
