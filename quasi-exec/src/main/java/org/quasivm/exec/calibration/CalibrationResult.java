package org.quasivm.exec.calibration;

/**
 * A calibration run: guest instructions counted over a measured time.
 *
 * @param executor     the executor's name ({@code software}, {@code kvm})
 * @param instructions guest instructions retired in the measured window
 * @param nanos        length of the measured window
 */
public record CalibrationResult(String executor, long instructions, long nanos) {

    /** Guest instructions per second, in millions. */
    public double mips() {
        return nanos <= 0 ? 0 : instructions * 1000.0 / nanos;
    }
}
