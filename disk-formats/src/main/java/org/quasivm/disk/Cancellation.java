package org.quasivm.disk;

import java.nio.file.Path;

/** Lets another thread stop a long operation; the operation then throws {@link Cancelled}. */
public final class Cancellation {
    public static final Cancellation NEVER = new Cancellation();
    private volatile boolean cancelled;

    public void cancel() {
        if (this == NEVER) {
            throw new IllegalStateException("Cancellation.NEVER cannot be cancelled");
        }
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link Cancelled} (naming {@code file}) if cancellation was requested. */
    public void check(Path file) throws Cancelled {
        if (cancelled) {
            throw new Cancelled(file);
        }
    }

    /** The operation on {@code file} was cancelled; nothing half-written was left under the target name. */
    public static final class Cancelled extends DiskImageException {
        private static final long serialVersionUID = 1L;

        public Cancelled(Path file) {
            super(file, "cancelled");
        }
    }
}
