package org.quasivm.nativehelper.libc;

import java.nio.file.Path;

/** An owned Linux file descriptor, closed exactly once. */
public final class NativeFd implements AutoCloseable {

    private final int fd;
    private volatile boolean closed;

    private NativeFd(int fd) {
        this.fd = fd;
    }

    /** Takes ownership of a descriptor returned by a native call (KVM_CREATE_VM, eventfd...). */
    public static NativeFd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        return new NativeFd(fd);
    }

    /** open(2) with O_CLOEXEC added; the exception message names the path. */
    public static NativeFd open(Path path, int flags) {
        int fd = LibC.open(path.toString(), flags | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("open " + path, LibC.errno());
        }
        return new NativeFd(fd);
    }

    public int value() {
        if (closed) {
            throw new IllegalStateException("file descriptor " + fd + " is closed");
        }
        return fd;
    }

    /** ioctl returning its non-negative result; failure throws with {@code name} in the message. */
    public int ioctl(String name, long request, long arg) {
        int result = LibC.ioctl(value(), request, arg);
        if (result < 0) {
            throw new ErrnoException(name, LibC.errno());
        }
        return result;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
