package org.quasivm.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.quasivm.disk.chain.ParentPaths;
import org.quasivm.disk.io.PageAlignedBuffer;
import org.quasivm.disk.io.Zeros;

/**
 * Commit, rebase and flatten. Each writes data first and changes parent references last, so an interrupted
 * operation leaves a chain that still reads as before (the child keeps all it held).
 */
final class ChainOperations {
    private static final int CHUNK = 4 << 20;

    private ChainOperations() {
    }

    /**
     * Merges the child's data into its parent. With {@code emptyChild} the child is then replaced by a fresh,
     * empty child of the same format (as {@code qemu-img commit} leaves it); otherwise it keeps its data and
     * only its parent identity (VMDK CID) is refreshed so it stays valid.
     */
    static void commit(Path childPath, ImageFormat declared, boolean emptyChild, ProgressListener progress,
                       Cancellation cancel) throws IOException {
        ImageFormat format;
        String subformat;
        long size;
        ParentLink link;
        ImageFormat parentFormat;
        try (DiskImage child = ChainOpener.open(childPath, OpenOptions.readOnly().withFormat(declared))) {
            link = child.parentLink();
            if (link == null) {
                throw new DiskImageException(childPath, "has no parent to commit into");
            }
            format = child.format();
            subformat = child.subformat();
            size = child.size();
            parentFormat = child.backing().format();
            if (emptyChild && format == ImageFormat.VDI) {
                throw new DiskImageException(childPath, "not supported: recreating a VDI differencing image"
                        + " (commit without emptying the child)");
            }
            try (DiskImage parent = ChainOpener.open(link.resolved(), OpenOptions.readWrite().withFormat(parentFormat))) {
                if (parent.size() < size) {
                    throw new DiskImageException(link.resolved(), "is smaller (" + parent.size()
                            + " bytes) than the child being committed (" + size + ")");
                }
                copyLayer(child, parent, progress, cancel, childPath);
                parent.flush();
            }
        }
        if (emptyChild) {
            List<Path> files;
            try (DiskImage old = ChainOpener.open(childPath, OpenOptions.readOnly().withFormat(format).layerOnly())) {
                files = old.files();
            }
            for (Path f : files) {
                Files.delete(f);
            }
            DiskImages.create(childPath, new CreateOptions(format, format == ImageFormat.VHD ? null : subformat,
                    size, link.resolved(), parentFormat)).close();
        } else if (format == ImageFormat.VMDK) {
            try (DiskImage parent = ChainOpener.open(link.resolved(), OpenOptions.readOnly().withFormat(parentFormat));
                 DiskImage child = ChainOpener.open(childPath, OpenOptions.readWrite().withFormat(format).layerOnly())) {
                child.rewriteParent(parent, link.reference());
            }
        }
    }

    /** Copies every range the child layer stores (data, or explicit zeros) into {@code target}. */
    private static void copyLayer(DiskImage child, BlockDevice target, ProgressListener progress, Cancellation cancel,
                                  Path name) throws IOException {
        ByteBuffer buf = PageAlignedBuffer.allocate(CHUNK);
        long size = child.size();
        long off = 0;
        while (off < size) {
            cancel.check(name);
            Extent e = child.layerExtentAt(off);
            long end = e.end();
            if (e.kind() == Extent.Kind.ZERO) {
                target.writeZeros(off, e.length());
            } else if (e.kind() == Extent.Kind.DATA) {
                for (long p = off; p < end; p += buf.capacity()) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), end - p));
                    child.read(p, buf);
                    buf.flip();
                    target.write(p, buf);
                    progress.progress(p, size);
                    cancel.check(name);
                }
            }
            off = end;
        }
        progress.progress(size, size);
    }

    /**
     * Re-points the child at {@code newParent} (null: no parent, i.e. flatten). Unless {@code unsafe}, first
     * copies into the child every range where the old chain and the new parent differ, so the child reads the
     * same before and after.
     */
    static void rebase(Path childPath, ImageFormat declared, Path newParent, ImageFormat newParentFormat,
                       boolean unsafe, ProgressListener progress, Cancellation cancel) throws IOException {
        DiskImage target = null;
        try {
            if (newParent != null) {
                target = ChainOpener.open(newParent, OpenOptions.readOnly().withFormat(newParentFormat));
            }
            ImageFormat format;
            if (unsafe) {
                try (DiskImage layer = ChainOpener.open(childPath, OpenOptions.readOnly().withFormat(declared)
                        .layerOnly())) {
                    format = layer.format();
                }
            } else {
                try (DiskImage oldView = ChainOpener.open(childPath, OpenOptions.readOnly().withFormat(declared));
                     DiskImage writer = ChainOpener.open(childPath, OpenOptions.readWrite()
                             .withFormat(oldView.format()).layerOnly())) {
                    format = oldView.format();
                    copyDifferences(oldView, target, writer, progress, cancel, childPath);
                    writer.flush();
                }
            }
            try (DiskImage writer = ChainOpener.open(childPath, OpenOptions.readWrite().withFormat(format)
                    .layerOnly())) {
                writer.rewriteParent(target, target == null ? null : ParentPaths.reference(childPath, newParent));
            }
        } finally {
            if (target != null) {
                target.close();
            }
        }
    }

    /**
     * Writes the old view into the child wherever the child does not fully hold the bytes and the new parent
     * (zeros when none) differs from the old chain.
     */
    private static void copyDifferences(DiskImage oldView, DiskImage newParent, DiskImage writer,
                                        ProgressListener progress, Cancellation cancel, Path name) throws IOException {
        ByteBuffer a = PageAlignedBuffer.allocate(CHUNK);
        ByteBuffer b = PageAlignedBuffer.allocate(CHUNK);
        long size = oldView.size();
        // A differencing VHD block may hold only some sectors: compare those ranges too.
        boolean partialClusters = oldView.format() == ImageFormat.VHD;
        long off = 0;
        while (off < size) {
            cancel.check(name);
            Extent e = oldView.layerExtentAt(off);
            boolean compare = e.kind() == Extent.Kind.UNALLOCATED
                    || (partialClusters && e.kind() == Extent.Kind.DATA);
            if (compare) {
                for (long p = off; p < e.end(); p += a.capacity()) {
                    int n = (int) Math.min(a.capacity(), e.end() - p);
                    a.clear();
                    a.limit(n);
                    oldView.read(p, a);
                    b.clear();
                    b.limit(n);
                    readOrZero(newParent, p, b);
                    a.flip();
                    b.flip();
                    if (!a.equals(b)) {
                        writer.write(p, a);
                    }
                    progress.progress(p, size);
                    cancel.check(name);
                }
            }
            off = e.end();
        }
        progress.progress(size, size);
    }

    private static void readOrZero(BlockDevice dev, long offset, ByteBuffer dst) throws IOException {
        if (dev == null || offset >= dev.size()) {
            Zeros.fill(dst, dst.remaining());
            return;
        }
        int avail = (int) Math.min(dst.remaining(), dev.size() - offset);
        int oldLimit = dst.limit();
        dst.limit(dst.position() + avail);
        dev.read(offset, dst);
        dst.limit(oldLimit);
        Zeros.fill(dst, dst.remaining());
    }
}
