package org.quasivm.vmm.testing;

import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.VirtualClock;

/** A deterministic clock at 10 ns per instruction whose "instructions" the test advances. */
public final class TestClock {

    private long retired;
    public final VirtualClock clock;

    public TestClock() {
        clock = new VirtualClock(ClockMode.DETERMINISTIC, 100_000_000L, () -> 0L);
        clock.attachInstructionCounter(() -> retired);
    }

    public long now() {
        return clock.nanos();
    }

    /** Moves guest time forward by {@code nanos} (rounded down to 10 ns), firing timers as they come due. */
    public void advance(long nanos) {
        long target = clock.nanos() + nanos;
        while (true) {
            long next = clock.nextDeadline();
            if (next > target) {
                break;
            }
            setTime(Math.max(next, clock.nanos()));
            clock.fireDue();
        }
        setTime(target);
        clock.fireDue();
    }

    /**
     * Moves guest time forward without firing timers, as a realtime clock does while the CPU runs a long slice: the
     * timers that came due fire at the next {@link #advance} or {@link #fireLateTimers}.
     */
    public void advanceWithoutTimers(long nanos) {
        setTime(clock.nanos() + nanos);
    }

    public void fireLateTimers() {
        clock.fireDue();
    }

    private void setTime(long nanos) {
        long want = (nanos + 9) / 10;
        if (want > retired) {
            retired = want;
        }
    }
}
