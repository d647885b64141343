package org.quasivm.nativehelper.libc;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * A Linux eventfd: a counter other threads (or KVM, as an ioeventfd/irqfd) signal and one thread consumes.
 * Non-blocking: {@link #drain()} returns 0 when nothing was signalled.
 */
public final class EventFd implements AutoCloseable {

    private final NativeFd fd;

    private EventFd(NativeFd fd) {
        this.fd = fd;
    }

    public static EventFd create() {
        int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (fd < 0) {
            throw new ErrnoException("eventfd", LibC.errno());
        }
        return new EventFd(NativeFd.adopt(fd));
    }

    public int fd() {
        return fd.value();
    }

    /** Adds {@code count} (positive) to the counter. Safe from any thread. */
    public void signal(long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("eventfd increment must be positive: " + count);
        }
        try (Memory value = new Memory(8)) {
            value.setLong(0, count);
            if (LibC.write(fd.value(), Pointer.nativeValue(value), 8) != 8) {
                throw new ErrnoException("eventfd write", LibC.errno());
            }
        }
    }

    /** Reads and resets the counter; 0 when it was not signalled. */
    public long drain() {
        try (Memory value = new Memory(8)) {
            long n = LibC.read(fd.value(), Pointer.nativeValue(value), 8);
            if (n == 8) {
                return value.getLong(0);
            }
            int errno = LibC.errno();
            if (n < 0 && errno == Errno.EAGAIN) {
                return 0;
            }
            throw new ErrnoException("eventfd read", errno);
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
