package org.quasivm.exec.calibration;

import java.time.Duration;
import java.util.function.Function;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Exit;
import org.quasivm.exec.Platform;

/**
 * Measures how fast an executor runs guest integer code: a fixed loop (see {@link CalibrationGuest}) for a bounded
 * time on a fresh executor, started from its RESET state. Any {@link Executor} can be measured; KVM and the
 * software CPU run the same guest instructions.
 */
public final class ExecutorCalibration {

    /** What {@code quasivm host} spends per executor. */
    public static final Duration DEFAULT_DURATION = Duration.ofMillis(500);
    private static final long RUN_BUDGET = 5_000_000;

    private ExecutorCalibration() {
    }

    /**
     * @param factory  builds the executor over the calibration machine (e.g. {@code KvmExecutor::new}); it is
     *                 closed afterwards
     * @param duration how long to run (the first quarter is warm-up and not counted)
     * @throws IllegalStateException if the guest does not run to the end (shutdown, internal error)
     */
    public static CalibrationResult measure(Function<Platform, Executor> factory, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("calibration time must be positive: " + duration);
        }
        CalibrationMachine machine = new CalibrationMachine(duration.toNanos());
        try (Executor executor = factory.apply(machine.platform())) {
            while (!machine.finished()) {
                Exit exit = executor.run(RUN_BUDGET);
                if (exit instanceof Exit.Shutdown s) {
                    throw new IllegalStateException(executor.name() + " shut down during calibration: " + s.reason());
                }
                if (exit instanceof Exit.InternalError e) {
                    throw new IllegalStateException(executor.name() + " failed during calibration: " + e.message());
                }
                if (exit instanceof Exit.Halted && !machine.finished()) {
                    throw new IllegalStateException(executor.name() + " halted before calibration ended");
                }
                // BudgetExhausted, ExitRequested: keep going
            }
            return new CalibrationResult(executor.name(), machine.countedInstructions(), machine.countedNanos());
        }
    }
}
