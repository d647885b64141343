package org.quasivm.disk.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.AtomicFile;
import org.quasivm.disk.io.ImageFile;

/**
 * Writes new VHDs. The disk size is kept exactly (rounded up to a whole sector) in the footer's current
 * size; the CHS geometry is only what the specification's algorithm gives for it. We never round the size up
 * to a CHS product: that is what breaks Hyper-V/Azure uploads (whose sizes must be exact whole MiB).
 *
 * <p>The creator application is "win " (Hyper-V): readers such as QEMU decide by this field whether the
 * size is the current-size field (Hyper-V, Azure, Disk2vhd) or the CHS product (Virtual PC); ours is always
 * the current size.
 */
public final class VhdCreator {
    static final String CREATOR_APP = "win ";
    static final int CREATOR_VERSION = 0x000a0000;
    static final int CREATOR_HOST_WINDOWS = 0x5769326b; // "Wi2k"
    /** The format's limit. */
    public static final long MAX_SIZE = 2040L << 30;
    static final int BLOCK_SIZE = 2 << 20;

    private VhdCreator() {
    }

    public static void createFixed(Path path, long requestedSize) throws IOException {
        createFixed(path, requestedSize, true);
    }

    public static void createFixed(Path path, long requestedSize, boolean durable) throws IOException {
        long size = checkSize(path, requestedSize);
        VhdFooter footer = newFooter(size, VhdFooter.TYPE_FIXED, VhdFooter.NO_DATA_OFFSET);
        AtomicFile.create(path, f -> {
            f.truncate(size);
            f.writeFully(footer.toBytes(), size);
        }, durable);
    }

    public static void createDynamic(Path path, long requestedSize) throws IOException {
        createDynamic(path, requestedSize, true);
    }

    public static void createDynamic(Path path, long requestedSize, boolean durable) throws IOException {
        long size = checkSize(path, requestedSize);
        VhdFooter footer = newFooter(size, VhdFooter.TYPE_DYNAMIC, VhdFooter.SIZE);
        long entries = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        VhdDynamicHeader h = new VhdDynamicHeader(1536, entries, BLOCK_SIZE, new byte[16], 0, "", List.of());
        AtomicFile.create(path, f -> writeDynamic(f, footer, h, List.of()), durable);
    }

    /** A differencing child of {@code parent}, which it names by relative and absolute locators. */
    public static void createDifferencing(Path path, VhdImage parent) throws IOException {
        VhdFooter pf = parent.footer();
        long size = parent.size();
        VhdFooter footer = new VhdFooter(2, 0x00010000, VhdFooter.SIZE, now(), CREATOR_APP, CREATOR_VERSION,
                CREATOR_HOST_WINDOWS, size, size, VhdGeometry.forSectors(size / 512), VhdFooter.TYPE_DIFFERENCING,
                VhdUuid.random(), false);
        long entries = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long batEnd = 1536 + ((entries * 4 + 511) & ~511L);
        String relative = ParentPaths.reference(path, parent.path());
        String windowsRelative = relative.startsWith("/") ? relative : ".\\" + relative.replace('/', '\\');
        String absolute = parent.path().toAbsolutePath().normalize().toString();
        byte[] rel = windowsRelative.getBytes(StandardCharsets.UTF_16LE);
        byte[] abs = absolute.getBytes(StandardCharsets.UTF_16LE);
        List<VhdDynamicHeader.Locator> locators = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        long at = batEnd;
        for (Object[] l : new Object[][] {{VhdDynamicHeader.LOCATOR_W2RU, rel}, {VhdDynamicHeader.LOCATOR_W2KU, abs}}) {
            byte[] d = (byte[]) l[1];
            int space = (d.length + 511) & ~511;
            // Data space in bytes, as Hyper-V writes it (the specification says sectors; readers accept both).
            locators.add(new VhdDynamicHeader.Locator((Integer) l[0], space, d.length, at));
            data.add(d);
            at += space;
        }
        int parentStamp = VhdFooter.vhdTime(Files.getLastModifiedTime(parent.path()).toInstant().getEpochSecond());
        VhdDynamicHeader h = new VhdDynamicHeader(1536, entries, BLOCK_SIZE, pf.uniqueId(), parentStamp,
                parent.path().getFileName().toString(), locators);
        AtomicFile.create(path, f -> {
            writeDynamic(f, footer, h, data);
        });
    }

    private static void writeDynamic(ImageFile f, VhdFooter footer, VhdDynamicHeader h, List<byte[]> locatorData)
            throws IOException {
        f.writeFully(footer.toBytes(), 0);
        f.writeFully(h.toBytes(), VhdFooter.SIZE);
        long batBytes = (h.maxTableEntries() * 4 + 511) & ~511L;
        ByteBuffer bat = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < bat.capacity(); i++) {
            bat.put(i, (byte) 0xff);
        }
        for (long done = 0; done < batBytes; ) {
            bat.clear();
            bat.limit((int) Math.min(bat.capacity(), batBytes - done));
            int n = bat.remaining();
            f.writeFully(bat, h.tableOffset() + done);
            done += n;
        }
        long end = h.tableOffset() + batBytes;
        for (int i = 0; i < locatorData.size(); i++) {
            VhdDynamicHeader.Locator l = h.locators().get(i);
            ByteBuffer d = ByteBuffer.allocate(l.dataSpace());
            d.put(locatorData.get(i));
            d.clear();
            f.writeFully(d, l.dataOffset());
            end = Math.max(end, l.dataOffset() + l.dataSpace());
        }
        f.writeFully(footer.toBytes(), end);
    }

    private static long checkSize(Path path, long requested) throws DiskImageException {
        if (requested <= 0) {
            throw new DiskImageException(path, "size must be positive, got " + requested);
        }
        long size = (requested + 511) & ~511L;
        if (size > MAX_SIZE) {
            throw new DiskImageException(path, "VHD size " + size + " exceeds the format's limit of 2040 GiB");
        }
        return size;
    }

    private static VhdFooter newFooter(long size, int type, long dataOffset) {
        return new VhdFooter(2, 0x00010000, dataOffset, now(), CREATOR_APP, CREATOR_VERSION, CREATOR_HOST_WINDOWS,
                size, size, VhdGeometry.forSectors(size / 512), type, VhdUuid.random(), false);
    }

    private static int now() {
        return VhdFooter.vhdTime(System.currentTimeMillis() / 1000);
    }
}
