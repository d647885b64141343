package org.quasivm.exec.calibration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.quasivm.exec.Executor;
import org.quasivm.exec.Platform;
import org.quasivm.exec.kvm.KvmExecutor;
import org.quasivm.nativehelper.kvm.KvmUnavailableException;

/**
 * {@code executor: auto}: the software CPU unless KVM is usable <em>and</em> measured faster on this host. Nested
 * KVM can be far slower than the software CPU (on the build machine it emulates real and unpaged protected mode at
 * a few MIPS), so usability alone decides nothing.
 */
public final class AutoExecutorChoice {

    public static final String SOFTWARE = "software";
    public static final String KVM = "kvm";

    /**
     * What {@code quasivm host --json} reports under "calibration" and "autoExecutor".
     *
     * @param kvmMips null when KVM is not usable
     */
    public record Decision(double softwareMips, Double kvmMips, String autoExecutor) {
    }

    private AutoExecutorChoice() {
    }

    /** The rule itself: KVM only when it was measured and beat the software CPU. */
    public static String choose(double softwareMips, Optional<Double> kvmMips) {
        return kvmMips.isPresent() && kvmMips.get() > softwareMips ? KVM : SOFTWARE;
    }

    /** Calibrates KVM on {@code device}; empty when KVM is not usable there (auto falls back without a word). */
    public static Optional<CalibrationResult> measureKvm(Path device, Duration duration) {
        try {
            return Optional.of(ExecutorCalibration.measure(p -> new KvmExecutor(p, device), duration));
        } catch (KvmUnavailableException e) {
            return Optional.empty();
        }
    }

    /** Calibrates both executors and decides. */
    public static Decision decide(Function<Platform, Executor> software, Path kvmDevice, Duration duration) {
        double softwareMips = ExecutorCalibration.measure(software, duration).mips();
        Optional<Double> kvmMips = measureKvm(kvmDevice, duration).map(CalibrationResult::mips);
        return new Decision(softwareMips, kvmMips.orElse(null), choose(softwareMips, kvmMips));
    }
}
