package org.quasivm.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One opened image layer in one of the supported formats, usable as a {@link BlockDevice}. When the layer
 * has a parent, the parent is opened read-only and attached, and reads of bytes this layer does not store
 * fall through to it; {@link #close()} closes the whole chain.
 */
public abstract class DiskImage implements BlockDevice {
    private final Path path;
    private final ImageFormat format;
    private final boolean readOnly;
    private final List<String> warnings = new ArrayList<>();
    private DiskImage backing;
    private volatile boolean durableClose = true;

    protected DiskImage(Path path, ImageFormat format, boolean readOnly) {
        this.path = path;
        this.format = format;
        this.readOnly = readOnly;
    }

    /** The file that was opened (the descriptor of a multi-file VMDK). */
    public final Path path() {
        return path;
    }

    public final ImageFormat format() {
        return format;
    }

    public abstract String subformat();

    @Override
    public final boolean isReadOnly() {
        return readOnly;
    }

    /** The parent reference stored in this layer, or null for a base image. */
    public abstract ParentLink parentLink();

    /** The attached parent layer, or null. */
    public final DiskImage backing() {
        return backing;
    }

    /** Guest bytes stored in this layer. */
    public abstract long allocatedBytes() throws IOException;

    /** Every host file of this layer. */
    public List<Path> files() {
        return List.of(path);
    }

    /** Allocation of this layer alone at {@code offset} ({@code UNALLOCATED} falls through to the parent). */
    public abstract Extent layerExtentAt(long offset) throws IOException;

    /** Non-fatal findings made while opening (shown by {@code disk info} and {@code disk check}). */
    public final List<String> warnings() {
        return List.copyOf(warnings);
    }

    protected final void warn(String warning) {
        warnings.add(warning);
    }

    /**
     * Checks that {@code parent} is the image this layer was made from (UUID, CID, format). Called before
     * {@link #attachBacking}; the default accepts any parent.
     */
    protected void validateParent(DiskImage parent) throws DiskImageException {
    }

    /**
     * Points this layer at {@code parent}, stored as {@code reference}, or makes it standalone when
     * {@code parent} is null. Only the reference and identity fields change, never the data (see rebase).
     */
    protected void rewriteParent(DiskImage parent, String reference) throws IOException {
        throw new DiskImageException(path, "not supported: changing the parent of " + format.id() + " images");
    }

    /** Makes reads of unallocated bytes fall through to {@code parent}. Called once by the chain opener. */
    protected final void attachBacking(DiskImage parent) throws DiskImageException {
        validateParent(parent);
        this.backing = parent;
        onBackingAttached(parent);
    }

    /** Lets the layer route unallocated reads to the parent. */
    protected abstract void onBackingAttached(DiskImage parent);

    @Override
    public Extent extentAt(long offset) throws IOException {
        Extent e = layerExtentAt(offset);
        if (e.kind() != Extent.Kind.UNALLOCATED) {
            return e;
        }
        if (backing == null || offset >= backing.size()) {
            return new Extent(offset, e.length(), Extent.Kind.ZERO);
        }
        Extent p = backing.extentAt(offset);
        long len = Math.min(e.length(), p.end() - offset);
        return new Extent(offset, len, p.kind() == Extent.Kind.DATA ? Extent.Kind.DATA : Extent.Kind.ZERO);
    }

    /** A summary of this layer and, nested, its attached parents. */
    public ImageInfo info() throws IOException {
        long fileBytes = 0;
        List<String> names = new ArrayList<>();
        for (Path f : files()) {
            names.add(f.toString());
            fileBytes += Files.size(f);
        }
        ParentLink link = parentLink();
        return new ImageInfo(path.toString(), format, subformat(), size(), allocatedBytes(), fileBytes, names,
                link == null ? null : link.reference(), backing == null ? null : backing.info(), warnings);
    }

    /**
     * Whether {@link #close()} makes the image durable (the default). Work that can simply be redone, such as a
     * conversion whose source is still there, may skip the final sync, as {@code qemu-img convert} does.
     */
    public final void setDurableClose(boolean durable) {
        this.durableClose = durable;
    }

    protected final boolean durableClose() {
        return durableClose;
    }

    /**
     * Lets this layer's data writes bypass the page cache where the host allows it (see
     * {@link org.quasivm.disk.io.ImageFile#bypassPageCacheForData()}). For output that is synced once at the end,
     * such as a durable conversion; never for a disk in use by a guest. Formats whose layout cannot use it
     * ignore it.
     */
    public void bypassPageCacheForData() {
    }

    /** Closes this layer's files only. */
    protected abstract void closeLayer() throws IOException;

    @Override
    public final void close() throws IOException {
        IOException failure = null;
        try {
            closeLayer();
        } catch (IOException e) {
            failure = e;
        }
        if (backing != null) {
            try {
                backing.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    protected final void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw new IllegalArgumentException(path.getFileName() + ": access " + offset + "+" + length
                    + " outside the disk (size " + size() + ")");
        }
    }

    protected final void checkWritable() throws DiskImageException {
        if (readOnly) {
            throw new DiskImageException(path, "opened read-only");
        }
    }

    @Override
    public String toString() {
        return format.id() + ":" + path;
    }
}
