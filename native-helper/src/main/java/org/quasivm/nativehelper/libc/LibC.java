package org.quasivm.nativehelper.libc;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The C library calls QuasiVM needs, bound with JNA direct mapping (the fastest JNA call path: no reflection and no
 * argument conversion per call). Pointers are passed as {@code long} host addresses.
 *
 * <p>These return the raw C result; on -1 the caller reads {@link #errno()} (JNA saves errno after every native
 * call, per thread). Prefer the typed wrappers in this package and in {@code org.quasivm.nativehelper.kvm}.
 */
public final class LibC {

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;

    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final long MAP_FAILED = -1L;

    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    /** lseek(2) whence values of Linux (macOS numbers them the other way round). */
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    public static final int SIG_UNBLOCK = 1;
    public static final int SA_RESTART = 0x10000000;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    /** errno of the last native call made by this thread through JNA. */
    public static int errno() {
        return Native.getLastError();
    }

    public static native int open(String path, int flags);

    public static native int close(int fd);

    /** ioctl(2) with an integer or pointer argument (pass a host address for pointers, 0 for none). */
    public static native int ioctl(int fd, long request, long arg);

    public static native long mmap(long address, long length, int prot, int flags, int fd, long offset);

    public static native int munmap(long address, long length);

    public static native int madvise(long address, long length, int advice);

    public static native int eventfd(int initialValue, int flags);

    /** lseek(2); {@code off_t} is 64 bits on the 64-bit Linux hosts QuasiVM's native code runs on. */
    public static native long lseek(int fd, long offset, int whence);

    public static native long read(int fd, long buffer, long count);

    public static native long write(int fd, long buffer, long count);

    public static native int flock(int fd, int operation);

    /** 1 when {@code fd} is a terminal (how the CLI decides whether to draw a progress bar on stderr). */
    public static native int isatty(int fd);

    public static native int getpid();

    public static native int gettid();

    public static native int tgkill(int threadGroupId, int threadId, int signal);

    public static native int sigaction(int signal, long action, long oldAction);

    public static native int sigemptyset(long set);

    public static native int sigaddset(long set, int signal);

    public static native int pthread_sigmask(int how, long set, long oldSet);

    public static native int __libc_current_sigrtmin();

    public static native int __libc_current_sigrtmax();
}
