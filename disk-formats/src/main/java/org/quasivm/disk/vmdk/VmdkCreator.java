package org.quasivm.disk.vmdk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.AtomicFile;
import org.quasivm.disk.io.ImageFile;

/**
 * Writes new VMDKs in the hosted layouts VMware Workstation uses: monolithicSparse, twoGbMaxExtentSparse,
 * monolithicFlat and twoGbMaxExtentFlat (streamOptimized is written by {@link VmdkStreamWriter}). Sparse
 * extents get 64 KiB grains, 512-entry grain tables and a redundant grain directory, all tables preallocated.
 */
public final class VmdkCreator {
    static final long GRAIN_SECTORS = 128;
    static final int GTES = 512;
    static final long DESCRIPTOR_SECTORS = 20;
    /** 2047 MiB: VMware keeps split extents below 2 GiB so every file fits a signed 32-bit size. */
    static final long SPLIT_SECTORS = 4192256;
    public static final long MAX_SIZE = (SparseExtentHeader.MAX_CAPACITY_SECTORS - 1) * 512;

    private VmdkCreator() {
    }

    /** Creates a VMDK; with a parent, a sparse child that records the parent's CID and relative path. */
    public static void create(Path path, String subformat, long size, VmdkImage parent) throws IOException {
        create(path, subformat, size, parent, true);
    }

    public static void create(Path path, String subformat, long size, VmdkImage parent, boolean durable)
            throws IOException {
        long sectors = (size + 511) / 512;
        if (size <= 0 || size > MAX_SIZE) {
            throw new DiskImageException(path, "VMDK size " + size + " is out of range");
        }
        boolean sparse = subformat.equals("monolithicSparse") || subformat.equals("twoGbMaxExtentSparse");
        if (parent != null && !sparse) {
            throw new DiskImageException(path, "a child VMDK must be sparse, not " + subformat);
        }
        if (parent != null && parent.size() != sectors * 512) {
            throw new DiskImageException(path, "a child VMDK must have its parent's size (" + parent.size() + ")");
        }
        long cid = newCid();
        long parentCid = parent == null ? VmdkDescriptor.NO_PARENT_CID : parent.cid();
        String hint = parent == null ? null : ParentPaths.reference(path, parent.path());
        String base = baseName(path);
        switch (subformat) {
            case "monolithicSparse" -> {
                List<VmdkDescriptor.ExtentLine> lines = List.of(new VmdkDescriptor.ExtentLine("RW", sectors, "SPARSE",
                        path.getFileName().toString(), 0));
                VmdkDescriptor d = VmdkDescriptor.create(cid, parentCid, subformat, hint, lines, sectors, "ide");
                AtomicFile.create(path, f -> writeSparseExtent(f, sectors, d.bytes()), durable);
            }
            case "twoGbMaxExtentSparse", "monolithicFlat", "twoGbMaxExtentFlat" -> {
                boolean split = subformat.startsWith("twoGb");
                List<VmdkDescriptor.ExtentLine> lines = new ArrayList<>();
                List<Path> files = new ArrayList<>();
                long left = sectors;
                int n = 1;
                while (left > 0) {
                    long len = split ? Math.min(left, SPLIT_SECTORS) : left;
                    String name = sparse ? String.format("%s-s%03d.vmdk", base, n)
                            : split ? String.format("%s-f%03d.vmdk", base, n) : base + "-flat.vmdk";
                    lines.add(new VmdkDescriptor.ExtentLine("RW", len, sparse ? "SPARSE" : "FLAT", name, 0));
                    files.add(path.resolveSibling(name));
                    left -= len;
                    n++;
                }
                VmdkDescriptor d = VmdkDescriptor.create(cid, parentCid, subformat, hint, lines, sectors, "ide");
                createMultiFile(path, d, lines, files, sparse, durable);
            }
            default -> throw new DiskImageException(path, "VMDK subformat " + subformat + " cannot be created here");
        }
    }

    private static void createMultiFile(Path path, VmdkDescriptor d, List<VmdkDescriptor.ExtentLine> lines,
                                        List<Path> files, boolean sparse, boolean durable) throws IOException {
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new DiskImageException(f, "extent file already exists");
            }
        }
        List<Path> done = new ArrayList<>();
        boolean ok = false;
        try {
            for (int i = 0; i < files.size(); i++) {
                long len = lines.get(i).sectors();
                AtomicFile.create(files.get(i), f -> {
                    if (sparse) {
                        writeSparseExtent(f, len, null);
                    } else {
                        f.truncate(len * 512);
                    }
                }, durable);
                done.add(files.get(i));
            }
            AtomicFile.create(path, f -> f.writeFully(ByteBuffer.wrap(d.bytes()), 0), durable);
            ok = true;
        } finally {
            if (!ok) {
                for (Path p : done) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static String baseName(Path path) {
        String name = path.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".vmdk") ? name.substring(0, name.length() - 5) : name;
    }

    static long newCid() {
        long cid;
        do {
            cid = ThreadLocalRandom.current().nextLong(0x100000000L);
        } while (cid == VmdkDescriptor.NO_PARENT_CID || cid == 0xfffffffeL);
        return cid;
    }

    /** A hosted sparse extent: header, optional embedded descriptor, RGD, RGTs, GD, GTs (holes), grains. */
    static void writeSparseExtent(ImageFile f, long capacity, byte[] descriptor) throws IOException {
        long gdEntries = (capacity + GRAIN_SECTORS * GTES - 1) / (GRAIN_SECTORS * GTES);
        long gdSectors = (gdEntries * 4 + 511) / 512;
        long gtSectors = gdEntries * (GTES * 4 / 512);
        long descSectors = 0;
        if (descriptor != null) {
            descSectors = Math.max(DESCRIPTOR_SECTORS, (descriptor.length + 511) / 512);
        }
        long rgd = 1 + descSectors;
        long rgts = rgd + gdSectors;
        long gd = rgts + gtSectors;
        long gts = gd + gdSectors;
        long overhead = (gts + gtSectors + GRAIN_SECTORS - 1) / GRAIN_SECTORS * GRAIN_SECTORS;
        SparseExtentHeader h = new SparseExtentHeader(1, SparseExtentHeader.FLAG_NEWLINE_DETECT
                | SparseExtentHeader.FLAG_REDUNDANT_GRAIN_TABLE, capacity, GRAIN_SECTORS, descriptor == null ? 0 : 1,
                descSectors, GTES, rgd, gd, overhead, false, 0);
        f.writeFully(h.toBytes(), 0);
        if (descriptor != null) {
            f.writeFully(ByteBuffer.wrap(descriptor), 512);
        }
        writeDirectory(f, rgd, rgts, gdEntries);
        writeDirectory(f, gd, gts, gdEntries);
        f.truncate(overhead * 512);
    }

    private static void writeDirectory(ImageFile f, long atSector, long firstTable, long entries) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        long i = 0;
        while (i < entries) {
            b.clear();
            long first = i;
            while (b.hasRemaining() && i < entries) {
                b.putInt((int) (firstTable + i * (GTES * 4 / 512)));
                i++;
            }
            b.flip();
            f.writeFully(b, atSector * 512 + first * 4);
        }
    }
}
