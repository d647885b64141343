package org.quasivm.vmm.machine;

import java.util.concurrent.locks.LockSupport;

import org.quasivm.exec.Executor;

/**
 * Realtime slices: a host thread that interrupts the guest when the next device deadline is due, so timers fire on
 * time whatever the executor's speed, and with executors that cannot count instructions (KVM) at all.
 */
final class DeadlineAlarm implements AutoCloseable {

    private final Executor executor;
    private final Thread thread;
    private volatile long dueHostNanos = Long.MAX_VALUE;
    private volatile boolean closed;

    DeadlineAlarm(Executor executor, String name) {
        this.executor = executor;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Requests an exit at host time {@code hostNanos} ({@link System#nanoTime()} scale); MAX_VALUE disarms. */
    void arm(long hostNanos) {
        long old = dueHostNanos;
        dueHostNanos = hostNanos;
        if (hostNanos < old) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (!closed) {
            long due = dueHostNanos;
            long wait = due == Long.MAX_VALUE ? 1_000_000_000L : due - System.nanoTime();
            if (wait <= 0) {
                dueHostNanos = Long.MAX_VALUE;
                executor.requestExit();
            } else {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
