package org.quasivm.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.quasivm.disk.probe.FormatProbe;
import org.quasivm.disk.qcow2.Qcow2Image;
import org.quasivm.disk.raw.RawImage;
import org.quasivm.disk.vdi.VdiImage;
import org.quasivm.disk.vhd.VhdImage;
import org.quasivm.disk.vmdk.VmdkImage;

/** Opens one layer by format, and whole chains: parents read-only, validated, loops and depth refused. */
final class ChainOpener {
    private ChainOpener() {
    }

    /** Opens a single layer; {@code format} null means probe by magic. */
    static DiskImage openLayer(Path path, ImageFormat format, boolean writable) throws IOException {
        return openLayer(path, format, writable, true);
    }

    static DiskImage openLayer(Path path, ImageFormat format, boolean writable, boolean durable) throws IOException {
        ImageFormat f = format != null ? format : FormatProbe.probe(path);
        return switch (f) {
            case RAW -> RawImage.open(path, writable, DiskImages.allocationProbe());
            case VMDK -> VmdkImage.open(path, writable);
            case VHD -> VhdImage.open(path, writable);
            case VDI -> VdiImage.open(path, writable);
            case QCOW2 -> Qcow2Image.open(path, writable, durable);
        };
    }

    static DiskImage open(Path path, OpenOptions options) throws IOException {
        DiskImage top = openLayer(path, options.format(), options.writable(), options.durable());
        if (!options.openParents()) {
            return top;
        }
        try {
            attachParents(top, options.maxChainDepth());
            return top;
        } catch (IOException | RuntimeException e) {
            top.close();
            throw e;
        }
    }

    /** Opens and attaches every parent of {@code top} (which must have none attached yet). */
    static void attachParents(DiskImage top, int maxDepth) throws IOException {
        Set<Path> seen = new HashSet<>();
        seen.add(top.path().toRealPath());
        DiskImage cur = top;
        int depth = 0;
        while (cur.parentLink() != null) {
            ParentLink link = cur.parentLink();
            if (++depth > maxDepth) {
                throw new DiskImageException(top.path(), "parent chain is deeper than " + maxDepth + " images");
            }
            Path p = link.resolved();
            if (!Files.isRegularFile(p)) {
                throw new DiskImageException(cur.path(), "parent \"" + link.reference() + "\" not found (looked for "
                        + p + ")");
            }
            if (!seen.add(p.toRealPath())) {
                throw new DiskImageException(cur.path(), "parent chain loops back to " + p.getFileName());
            }
            DiskImage parent = openLayer(p, link.format(), false);
            try {
                cur.attachBacking(parent);
            } catch (IOException | RuntimeException e) {
                parent.close();
                throw e;
            }
            cur = parent;
        }
    }
}
