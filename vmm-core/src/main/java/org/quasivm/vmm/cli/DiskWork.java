package org.quasivm.vmm.cli;

import java.io.PrintWriter;

import org.quasivm.disk.Cancellation;
import org.quasivm.disk.ProgressListener;

/** Long disk work (conversion, commit, import, export) with a progress bar, Ctrl-C cancellation and exit codes. */
final class DiskWork {

    private DiskWork() {
    }

    @FunctionalInterface
    interface Task<T, E extends Exception> {
        T run(ProgressListener progress, Cancellation cancel) throws E;
    }

    /**
     * Runs {@code task}, drawing "{@code activity} [#####   ] 40%" on a terminal and ending with one line
     * "quasivm: {@code doneVerb} SIZE in S s". Image errors become CLI failures with their exit codes.
     */
    static <T, E extends Exception> T run(PrintWriter err, String activity, String doneVerb, Task<T, E> task)
            throws E {
        ProgressBar bar = ProgressBar.onStderr(err, activity);
        T result;
        try (CancelOnInterrupt interrupt = CancelOnInterrupt.install()) {
            result = ImageErrors.run(() -> task.run(bar, interrupt.cancellation()));
        } catch (Exception e) {
            bar.abandon();
            throw e;
        }
        bar.finish(doneVerb);
        return result;
    }
}
