package org.quasivm.disk.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.quasivm.disk.DiskImageException;
import org.quasivm.disk.ImageInUseException;

/**
 * One host file of an image, accessed with positional I/O only (no shared file pointer, so concurrent
 * readers need no lock). Every failure becomes a {@link DiskImageException} naming this file.
 */
public final class ImageFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final boolean writable;
    private FileLock lock;
    /** A second descriptor opened with O_DIRECT, or null: see {@link #bypassPageCacheForData()}. */
    private FileChannel direct;
    private int directAlignment;

    private ImageFile(Path path, FileChannel channel, boolean writable) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
    }

    /** Opens an existing file; a writable file is locked exclusively against other processes. */
    public static ImageFile open(Path path, boolean writable) throws DiskImageException {
        OpenOption[] opts = writable
                ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new OpenOption[] {StandardOpenOption.READ};
        ImageFile f = new ImageFile(path, openChannel(path, opts), writable);
        if (writable) {
            f.lockExclusive();
        }
        return f;
    }

    /** Creates a new file (it must not exist), locked exclusively. */
    public static ImageFile create(Path path) throws DiskImageException {
        ImageFile f = new ImageFile(path, openChannel(path, new OpenOption[] {StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW}), true);
        f.lockExclusive();
        return f;
    }

    private static FileChannel openChannel(Path path, OpenOption[] opts) throws DiskImageException {
        try {
            return FileChannel.open(path, opts);
        } catch (NoSuchFileException e) {
            throw new DiskImageException(path, "no such file", e);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new DiskImageException(path, "file already exists", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new DiskImageException(path, "permission denied", e);
        } catch (IOException e) {
            throw new DiskImageException(path, "cannot open: " + e.getMessage(), e);
        }
    }

    private void lockExclusive() throws DiskImageException {
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly();
            throw new DiskImageException(path, "cannot lock for writing: " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly();
            throw new ImageInUseException(path);
        }
    }

    public Path path() {
        return path;
    }

    public boolean isWritable() {
        return writable;
    }

    public DiskImageException error(String problem) {
        return new DiskImageException(path, problem);
    }

    public long size() throws DiskImageException {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new DiskImageException(path, "cannot read file size: " + e.getMessage(), e);
        }
    }

    /** Reads exactly {@code dst.remaining()} bytes at {@code position}; the end of the file is an error. */
    public void readFully(ByteBuffer dst, long position, String what) throws DiskImageException {
        checkPosition(position, "read");
        long pos = position;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new DiskImageException(path, "file ends at offset " + pos + " inside the " + what
                            + " (truncated image?)");
                }
                pos += n;
            }
        } catch (DiskImageException e) {
            throw e;
        } catch (IOException e) {
            throw new DiskImageException(path, "read error at offset " + pos + ": " + e.getMessage(), e);
        }
    }

    /** Reads what exists of {@code dst.remaining()} bytes at {@code position} and zero-fills the rest past EOF. */
    public void readZeroPadded(ByteBuffer dst, long position) throws DiskImageException {
        checkPosition(position, "read");
        long pos = position;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    Zeros.fill(dst, dst.remaining());
                    return;
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new DiskImageException(path, "read error at offset " + pos + ": " + e.getMessage(), e);
        }
    }

    public void writeFully(ByteBuffer src, long position) throws DiskImageException {
        checkPosition(position, "write");
        long pos = position;
        try {
            while (src.hasRemaining()) {
                pos += (directlyWritable(src, pos) ? direct : channel).write(src, pos);
            }
        } catch (IOException e) {
            throw new DiskImageException(path, "write error at offset " + pos + ": " + e.getMessage(), e);
        }
    }

    /**
     * From now on, writes that O_DIRECT accepts (a direct buffer whose address, length and file position are
     * multiples of the file system's block size) bypass the page cache; all others stay buffered. For output
     * that is synced as a whole at the end (a durable conversion): the data goes to the disk once, without
     * first being copied into the page cache and then written back from it. Where the file system refuses
     * O_DIRECT (tmpfs, some network file systems) nothing changes. Reads stay buffered; the kernel keeps the
     * two paths coherent (a direct write drops cached pages of its range).
     */
    public void bypassPageCacheForData() {
        if (!writable || direct != null) {
            return;
        }
        try {
            long block = java.nio.file.Files.getFileStore(path).getBlockSize();
            if (block <= 0 || block > PageAlignedBuffer.ALIGNMENT || Long.bitCount(block) != 1) {
                return;
            }
            direct = FileChannel.open(path, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
            directAlignment = (int) block;
        } catch (IOException | UnsupportedOperationException e) {
            direct = null; // buffered writes only: slower to sync, equally correct
        }
    }

    private boolean directlyWritable(ByteBuffer src, long pos) {
        if (direct == null || !src.isDirect()) {
            return false;
        }
        int mask = directAlignment - 1;
        return (pos & mask) == 0 && (src.remaining() & mask) == 0
                && src.alignmentOffset(src.position(), directAlignment) == 0;
    }

    /** A negative position can only come from an unchecked overflow: refuse it as damage, never as a crash. */
    private void checkPosition(long position, String op) throws DiskImageException {
        if (position < 0) {
            throw new DiskImageException(path, op + " at offset " + Long.toUnsignedString(position)
                    + " is out of range (damaged image)");
        }
    }

    public void truncate(long size) throws DiskImageException {
        try {
            if (channel.size() > size) {
                channel.truncate(size);
            } else if (channel.size() < size) {
                // Extending leaves a hole: write one zero byte at the new end.
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw new DiskImageException(path, "cannot resize file to " + size + " bytes: " + e.getMessage(), e);
        }
    }

    public void sync() throws DiskImageException {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new DiskImageException(path, "flush failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws DiskImageException {
        try {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
                if (direct != null) {
                    direct.close();
                }
            } finally {
                channel.close();
            }
        } catch (IOException e) {
            throw new DiskImageException(path, "close failed: " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the original error is reported
        }
    }
}
