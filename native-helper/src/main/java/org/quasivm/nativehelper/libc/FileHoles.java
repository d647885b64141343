package org.quasivm.nativehelper.libc;

import java.nio.file.Path;

/**
 * Where a file's data and holes are, from lseek(2) with {@code SEEK_DATA}/{@code SEEK_HOLE} (Linux), through a
 * read-only descriptor of its own (Java's {@code FileChannel} does not give out its descriptor). Filesystems without
 * hole tracking answer "all data", which is always safe. Queries are serialized with {@link #close()} so that a
 * query never reaches a descriptor number the process has reused for another file.
 */
public final class FileHoles implements AutoCloseable {

    private final NativeFd fd;
    private final Path path;
    private boolean closed;

    private FileHoles(NativeFd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Opens {@code file} read-only for queries; throws {@link ErrnoException} naming it when that fails. */
    public static FileHoles open(Path file) {
        return new FileHoles(NativeFd.open(file, LibC.O_RDONLY), file);
    }

    public Path path() {
        return path;
    }

    /** The first data offset at or after {@code offset}, or -1 when only a hole follows up to the end of the file. */
    public synchronized long nextData(long offset) {
        return seek(offset, LibC.SEEK_DATA, "SEEK_DATA");
    }

    /** The first hole offset at or after {@code offset} (the end of the file counts as a hole). */
    public synchronized long nextHole(long offset) {
        long r = seek(offset, LibC.SEEK_HOLE, "SEEK_HOLE");
        return r < 0 ? offset : r; // at or past the end: inside the end's implicit hole
    }

    private long seek(long offset, int whence, String name) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        long r = LibC.lseek(fd.value(), offset, whence);
        if (r < 0) {
            int errno = LibC.errno();
            if (errno == Errno.ENXIO) {
                return -1; // offset at or past the end, or (SEEK_DATA) no data after it
            }
            throw new ErrnoException("lseek " + name + " " + path, errno);
        }
        return r;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            fd.close();
        }
    }
}
