package org.quasivm.nativehelper.libc;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Interrupts a thread that is blocked in a system call (a vCPU in KVM_RUN) by sending it a signal, the way QEMU kicks
 * its vCPU threads. The system call returns EINTR; KVM_RUN in particular is never restarted.
 *
 * <p>The signal is a real-time one that the JVM does not use. Its handler must be native code that does nothing: a
 * Java callback inside a signal handler is unsafe. Instead of compiling C of our own, the handler is libc's
 * {@code abs(int)}: a pure function of the signal number with no side effects and async-signal-safe. SA_RESTART
 * keeps a stray kick from failing other system calls the thread may be in.
 */
public final class ThreadKick {

    /** The kick signal: SIGRTMIN + 6 (glibc reserves the first two real-time signals below SIGRTMIN). */
    public static final int SIGNAL;

    private static final int SIGACTION_SIZE = 152;
    private static final int SA_MASK_OFFSET = 8;
    private static final int SA_FLAGS_OFFSET = 136;
    private static final int SIGSET_SIZE = 128;

    static {
        SIGNAL = LibC.__libc_current_sigrtmin() + 6;
        if (SIGNAL > LibC.__libc_current_sigrtmax()) {
            throw new ExceptionInInitializerError("no free real-time signal for vCPU kicks");
        }
        long handler = Pointer.nativeValue(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("abs"));
        try (Memory action = new Memory(SIGACTION_SIZE); Memory old = new Memory(SIGACTION_SIZE)) {
            action.clear();
            action.setLong(0, handler);
            LibC.sigemptyset(Pointer.nativeValue(action) + SA_MASK_OFFSET);
            action.setInt(SA_FLAGS_OFFSET, LibC.SA_RESTART);
            if (LibC.sigaction(SIGNAL, Pointer.nativeValue(action), Pointer.nativeValue(old)) != 0) {
                throw new ErrnoException("sigaction " + SIGNAL, LibC.errno());
            }
            long previous = old.getLong(0);
            if (previous != 0 && previous != handler) {
                // Someone else owned the signal: give it back rather than break them.
                LibC.sigaction(SIGNAL, Pointer.nativeValue(old), 0);
                throw new ExceptionInInitializerError("signal " + SIGNAL + " already has a handler");
            }
        }
    }

    private ThreadKick() {
    }

    /**
     * Prepares the calling thread to be kicked (unblocks the signal) and returns its kernel thread id, to be given
     * to {@link #kick(int)} from other threads.
     */
    public static int prepareCurrentThread() {
        try (Memory set = new Memory(SIGSET_SIZE)) {
            LibC.sigemptyset(Pointer.nativeValue(set));
            LibC.sigaddset(Pointer.nativeValue(set), SIGNAL);
            int rc = LibC.pthread_sigmask(LibC.SIG_UNBLOCK, Pointer.nativeValue(set), 0);
            if (rc != 0) {
                throw new ErrnoException("pthread_sigmask", rc);
            }
        }
        return LibC.gettid();
    }

    /** Sends the kick to thread {@code threadId} of this process; a thread that has exited is ignored. */
    public static void kick(int threadId) {
        if (LibC.tgkill(LibC.getpid(), threadId, SIGNAL) != 0) {
            int errno = LibC.errno();
            // ESRCH: the thread has exited, so there is nothing left to interrupt.
            if (errno != Errno.ESRCH) {
                throw new ErrnoException("tgkill", errno);
            }
        }
    }
}
