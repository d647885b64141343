package org.quasivm.vmm.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.quasivm.disk.Cancellation;

/**
 * Ctrl-C (or SIGTERM) during long disk work: cancels it through disk-formats' {@link Cancellation} and holds the JVM's
 * exit until the work has removed its half-built output, so nothing half-written is left. The work must close this
 * once it has finished or cleaned up.
 */
final class CancelOnInterrupt implements AutoCloseable {

    /** Long enough for any cleanup (deleting a staging folder); a hung cleanup must not keep the process alive. */
    private static final long CLEANUP_SECONDS = 60;

    private final Cancellation cancellation = new Cancellation();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private CancelOnInterrupt() {
        hook = new Thread(this::cancelAndWait, "quasivm-cancel");
    }

    static CancelOnInterrupt install() {
        CancelOnInterrupt c = new CancelOnInterrupt();
        Runtime.getRuntime().addShutdownHook(c.hook);
        return c;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    private void cancelAndWait() {
        cancellation.cancel();
        try {
            finished.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (this was a Ctrl-C): the hook is running and now returns.
        }
    }
}
