package org.quasivm.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.qcow2.Qcow2Creator;
import org.quasivm.disk.raw.RawImage;
import org.quasivm.disk.vdi.VdiCreator;
import org.quasivm.disk.vhd.VhdCreator;
import org.quasivm.disk.vhd.VhdImage;
import org.quasivm.disk.vmdk.VmdkCreator;
import org.quasivm.disk.vmdk.VmdkImage;
import org.quasivm.disk.vmdk.VmdkStreamWriter;

/**
 * The module's entry point: every {@code quasivm disk ...} command is one call here.
 * All failures are {@link DiskImageException}s naming the file and the problem.
 */
public final class DiskImages {
    private static volatile AllocationProbe allocationProbe = AllocationProbe.NONE;

    private DiskImages() {
    }

    /**
     * Installs the host's way of finding holes in raw files (process-wide; the CLI and console install one at
     * start-up). Raw images opened afterwards report holes as zero extents, so conversions skip them.
     */
    public static void installAllocationProbe(AllocationProbe probe) {
        allocationProbe = java.util.Objects.requireNonNull(probe, "probe");
    }

    /** The installed {@link AllocationProbe}, {@link AllocationProbe#NONE} until one is installed. */
    public static AllocationProbe allocationProbe() {
        return allocationProbe;
    }

    /** Opens an image read-only, format probed, with its parent chain. */
    public static DiskImage open(Path path) throws IOException {
        return ChainOpener.open(path, OpenOptions.readOnly());
    }

    public static DiskImage open(Path path, OpenOptions options) throws IOException {
        return ChainOpener.open(path, options);
    }

    /**
     * Creates an image and returns it opened read-write (with its parent chain attached). A streamOptimized
     * VMDK is returned as a sequential writer: write it front to back, then close it.
     */
    public static DiskImage create(Path path, CreateOptions options) throws IOException {
        ImageFormat format = options.format();
        String sub;
        try {
            sub = format.subformat(options.subformat());
        } catch (IllegalArgumentException e) {
            throw new DiskImageException(path, e.getMessage());
        }
        long size = options.size();
        if (Files.exists(path)) {
            throw new DiskImageException(path, "file already exists",
                    new java.nio.file.FileAlreadyExistsException(path.toString()));
        }
        if (options.parent() == null) {
            if (size <= 0) {
                throw new DiskImageException(path, "size must be positive, got " + size);
            }
            boolean durable = options.durable();
            switch (format) {
                case RAW -> {
                    return RawImage.create(path, size);
                }
                case VMDK -> {
                    if (sub.equals("streamOptimized")) {
                        return VmdkStreamWriter.create(path, size);
                    }
                    VmdkCreator.create(path, sub, size, null, durable);
                }
                case VHD -> {
                    if (sub.equals("fixed")) {
                        VhdCreator.createFixed(path, size, durable);
                    } else {
                        VhdCreator.createDynamic(path, size, durable);
                    }
                }
                case VDI -> VdiCreator.create(path, size, sub.equals("fixed"), durable);
                case QCOW2 -> Qcow2Creator.create(path, size, sub.equals("v2") ? 2 : 3, null, null, durable);
                default -> throw new IllegalStateException(format.toString());
            }
            return open(path, OpenOptions.readWrite().withFormat(format).withDurable(durable));
        }
        createChild(path, format, sub, size, options.parent(), options.parentFormat());
        return open(path, OpenOptions.readWrite().withFormat(format));
    }

    private static void createChild(Path path, ImageFormat format, String sub, long size, Path parentPath,
                                    ImageFormat parentFormat) throws IOException {
        try (DiskImage parent = ChainOpener.open(parentPath, OpenOptions.readOnly().withFormat(parentFormat))) {
            long childSize = size > 0 ? size : parent.size();
            switch (format) {
                case QCOW2 -> Qcow2Creator.create(path, childSize, sub.equals("v2") ? 2 : 3,
                        ParentPaths.reference(path, parentPath), parent.format());
                case VMDK -> {
                    if (!(parent instanceof VmdkImage vp)) {
                        throw new DiskImageException(path, "a VMDK child needs a VMDK parent, "
                                + parentPath.getFileName() + " is " + parent.format().id() + " (use qcow2)");
                    }
                    if (sub.equals("streamOptimized")) {
                        throw new DiskImageException(path, "a child VMDK cannot be streamOptimized");
                    }
                    VmdkCreator.create(path, sub, childSize, vp);
                }
                case VHD -> {
                    if (!(parent instanceof VhdImage vp)) {
                        throw new DiskImageException(path, "a differencing VHD needs a VHD parent, "
                                + parentPath.getFileName() + " is " + parent.format().id() + " (use qcow2)");
                    }
                    if (childSize != parent.size()) {
                        throw new DiskImageException(path, "a differencing VHD has its parent's size");
                    }
                    VhdCreator.createDifferencing(path, vp);
                }
                case VDI -> throw new DiskImageException(path,
                        "not supported: creating VDI differencing images (they are read-only here; use qcow2)");
                case RAW -> throw new DiskImageException(path, "a raw image cannot have a parent");
                default -> throw new IllegalStateException(format.toString());
            }
        }
    }

    /** Format, subformat, sizes and the parent chain. A missing or invalid parent becomes a warning. */
    public static ImageInfo info(Path path, ImageFormat declared) throws IOException {
        try (DiskImage img = ChainOpener.open(path, OpenOptions.readOnly().withFormat(declared))) {
            return img.info();
        } catch (DiskImageException chainError) {
            DiskImage layer;
            try {
                layer = ChainOpener.open(path, OpenOptions.readOnly().withFormat(declared).layerOnly());
            } catch (DiskImageException layerError) {
                throw layerError;
            }
            try (DiskImage img = layer) {
                ImageInfo i = img.info();
                java.util.List<String> w = new java.util.ArrayList<>(i.warnings());
                w.add(chainError.getMessage());
                return new ImageInfo(i.path(), i.format(), i.subformat(), i.virtualSize(), i.allocatedBytes(),
                        i.fileBytes(), i.files(), i.parentReference(), null, w);
            }
        }
    }

    public static ImageInfo info(Path path) throws IOException {
        return info(path, null);
    }

    /**
     * Merges a child into its parent ({@code quasivm disk commit}). With {@code emptyChild} the child is replaced by
     * a fresh empty child of the same format, otherwise it keeps its data and stays valid.
     */
    public static void commit(Path child, ImageFormat declared, boolean emptyChild, ProgressListener progress,
                              Cancellation cancel) throws IOException {
        ChainOperations.commit(child, declared, emptyChild, progress, cancel);
    }

    /**
     * Points a child at a new parent ({@code quasivm disk rebase}). Safe mode first copies into the child every
     * range where the old chain and the new parent differ; {@code unsafe} only rewrites the reference.
     */
    public static void rebase(Path child, ImageFormat declared, Path newParent, ImageFormat newParentFormat,
                              boolean unsafe, ProgressListener progress, Cancellation cancel) throws IOException {
        if (newParent == null) {
            throw new DiskImageException(child, "rebase needs a new parent (use flatten to drop the parent)");
        }
        ChainOperations.rebase(child, declared, newParent, newParentFormat, unsafe, progress, cancel);
    }

    /** Makes a child standalone: copies in everything it reads from its parents, then drops the parent. */
    public static void flatten(Path child, ImageFormat declared, ProgressListener progress, Cancellation cancel)
            throws IOException {
        ChainOperations.rebase(child, declared, null, null, false, progress, cancel);
    }

    /** Grows an image ({@code quasivm disk resize}); raw images may also shrink. */
    public static void resize(Path path, ImageFormat declared, long newSize) throws IOException {
        if (newSize <= 0) {
            throw new DiskImageException(path, "size must be positive, got " + newSize);
        }
        ImageFormat f = declared != null ? declared : org.quasivm.disk.probe.FormatProbe.probe(path);
        switch (f) {
            case RAW -> {
                try (RawImage r = RawImage.open(path, true)) {
                    r.resize(newSize);
                }
            }
            case QCOW2 -> org.quasivm.disk.qcow2.Qcow2Image.resize(path, newSize);
            case VHD -> VhdImage.resize(path, newSize);
            default -> throw new DiskImageException(path, "not supported: resizing " + f.id()
                    + " images (convert to qcow2, raw or VHD first)");
        }
    }

    /**
     * Converts {@code source} (with its chain; format probed when {@code sourceFormat} is null) into a new
     * standalone image at {@code destination} ({@code quasivm disk convert}). The destination appears only when
     * complete; a failure or {@link Cancellation} leaves nothing behind.
     */
    public static void convert(Path source, ImageFormat sourceFormat, Path destination,
                               org.quasivm.disk.convert.ConvertOptions options, ProgressListener progress,
                               Cancellation cancel) throws IOException {
        org.quasivm.disk.convert.Converter.convert(source, sourceFormat, destination, options, progress, cancel);
    }

    /**
     * Checks an image's structure ({@code quasivm disk check}): never throws for a damaged image, reports it.
     * With {@code readData} every stored byte is also read (and decompressed) once.
     */
    public static CheckReport check(Path path, ImageFormat declared, boolean readData) throws IOException {
        return ImageChecker.check(path, declared, readData);
    }

    /**
     * Repairs what a crash can leave ({@code quasivm disk check --repair}) and returns the check made afterwards:
     * qcow2 refcounts are recounted (leaked clusters released); a dynamic VHD, VDI or sparse VMDK is opened for
     * writing, which trims an unreferenced tail and restores a missing VHD footer.
     */
    public static CheckReport repair(Path path, ImageFormat declared) throws IOException {
        ImageFormat f = declared != null ? declared : org.quasivm.disk.probe.FormatProbe.probe(path);
        if (f == ImageFormat.QCOW2) {
            org.quasivm.disk.qcow2.Qcow2Image.repair(path);
        } else if (f != ImageFormat.RAW) {
            ChainOpener.open(path, OpenOptions.readWrite().withFormat(f).layerOnly()).close();
        }
        return check(path, f, false);
    }
}
