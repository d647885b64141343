package org.quasivm.nativehelper.libc;

import java.nio.file.Path;

/**
 * An advisory whole-file lock (flock(2)) held through its own descriptor: how a VM process claims the disk images
 * it writes, so a second process opening them for writing gets a clear refusal. Released on {@link #close()} or
 * when the process dies.
 */
public final class Flock implements AutoCloseable {

    private final NativeFd fd;
    private final Path path;

    private Flock(NativeFd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Takes the lock without waiting: exclusive for a writer, shared for readers.
     *
     * @return the held lock, or {@code null} when another open file description holds a conflicting lock
     */
    public static Flock tryAcquire(Path path, boolean exclusive) {
        NativeFd fd = NativeFd.open(path, LibC.O_RDONLY);
        int op = (exclusive ? LibC.LOCK_EX : LibC.LOCK_SH) | LibC.LOCK_NB;
        if (LibC.flock(fd.value(), op) != 0) {
            int errno = LibC.errno();
            fd.close();
            if (errno == Errno.EWOULDBLOCK) {
                return null;
            }
            throw new ErrnoException("flock " + path, errno);
        }
        return new Flock(fd, path);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        fd.close();
    }
}
