package org.quasivm.vmm.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quasivm.disk.BlockDevice;
import org.quasivm.disk.DiskImage;
import org.quasivm.disk.DiskImages;
import org.quasivm.disk.Extent;
import org.quasivm.disk.ImageFormat;
import org.quasivm.disk.OpenOptions;

/**
 * An image a VM has opened together with its claims: exclusive on the image if the VM writes it, shared on the
 * image otherwise and on every parent of its differencing chain. Closing it closes the image (making it durable)
 * and then releases the claims.
 */
public final class LockedImage implements BlockDevice {

    private final DiskImage image;
    private final List<ImageLock> locks;
    private boolean closed;

    private LockedImage(DiskImage image, List<ImageLock> locks) {
        this.image = image;
        this.locks = locks;
    }

    /**
     * Claims and opens {@code file} for the VM {@code vmName}.
     *
     * @param format   the declared format: never second-guessed (a file declared raw is raw whatever it holds)
     * @param writable whether the VM writes the image
     * @throws ImageInUseException when another VM holds a conflicting claim on the image or a parent
     */
    public static LockedImage open(Path file, ImageFormat format, boolean writable, String vmName)
            throws IOException {
        List<ImageLock> locks = new ArrayList<>();
        try {
            locks.add(ImageLock.acquire(file, writable ? ImageLock.Mode.EXCLUSIVE : ImageLock.Mode.SHARED, vmName));
            OpenOptions options = (writable ? OpenOptions.readWrite() : OpenOptions.readOnly()).withFormat(format);
            DiskImage image = DiskImages.open(file, options);
            try {
                for (DiskImage parent = image.backing(); parent != null; parent = parent.backing()) {
                    locks.add(ImageLock.acquire(parent.path(), ImageLock.Mode.SHARED, vmName));
                }
            } catch (IOException | RuntimeException e) {
                image.close();
                throw e;
            }
            return new LockedImage(image, locks);
        } catch (IOException | RuntimeException e) {
            release(locks, e);
            throw e;
        }
    }

    private static void release(List<ImageLock> locks, Exception cause) {
        for (int i = locks.size() - 1; i >= 0; i--) {
            try {
                locks.get(i).close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }

    public DiskImage image() {
        return image;
    }

    public List<ImageLock> locks() {
        return List.copyOf(locks);
    }

    @Override
    public long size() {
        return image.size();
    }

    @Override
    public boolean isReadOnly() {
        return image.isReadOnly();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        image.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        image.write(offset, src);
    }

    @Override
    public void flush() throws IOException {
        image.flush();
    }

    @Override
    public void writeZeros(long offset, long length) throws IOException {
        image.writeZeros(offset, length);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        image.discard(offset, length);
    }

    @Override
    public Extent extentAt(long offset) throws IOException {
        return image.extentAt(offset);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            image.close();
        } catch (IOException e) {
            failure = e;
        }
        for (int i = locks.size() - 1; i >= 0; i--) {
            try {
                locks.get(i).close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return image.toString();
    }
}
