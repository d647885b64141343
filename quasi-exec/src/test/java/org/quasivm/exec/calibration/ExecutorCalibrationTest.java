package org.quasivm.exec.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quasivm.nativehelper.kvm.Kvm;

class ExecutorCalibrationTest {

    @TempDir
    Path dir;

    @Test
    void kvmRunsTheCalibrationLoopAndReportsMips() {
        Optional<CalibrationResult> result = AutoExecutorChoice.measureKvm(Kvm.DEVICE, Duration.ofMillis(200));
        assumeTrue(result.isPresent(), "KVM tests skipped: /dev/kvm not usable");
        CalibrationResult r = result.get();
        assertEquals("kvm", r.executor());
        assertTrue(r.instructions() > 0 && r.nanos() > 0, r.toString());
        // a whole number of chunks: n*5 + 7 instructions each, at least one
        assertTrue(r.mips() > 0, r.toString());
    }

    @Test
    void unusableKvmIsNoMeasurementAndNoError() {
        assertEquals(Optional.empty(), AutoExecutorChoice.measureKvm(dir.resolve("kvm"), Duration.ofMillis(50)));
    }

    @Test
    void autoChoosesKvmOnlyWhenMeasuredFaster() {
        assertEquals("software", AutoExecutorChoice.choose(120.0, Optional.empty()));
        assertEquals("software", AutoExecutorChoice.choose(120.0, Optional.of(2.5)));
        assertEquals("software", AutoExecutorChoice.choose(120.0, Optional.of(120.0)));
        assertEquals("kvm", AutoExecutorChoice.choose(120.0, Optional.of(2500.0)));
    }

    @Test
    void nonPositiveDurationIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ExecutorCalibration.measure(p -> { throw new AssertionError("not built"); }, Duration.ZERO));
    }

    @Test
    void mipsIsInstructionsPerMicrosecond() {
        assertEquals(2.5, new CalibrationResult("kvm", 2_500_000, 1_000_000_000).mips(), 1e-9);
        assertEquals(0, new CalibrationResult("kvm", 5, 0).mips());
    }
}
