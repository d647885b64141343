package org.quasivm.vmm.clock;

/** What a device does when one of its timers comes due. Runs on the VM thread, between guest instructions. */
@FunctionalInterface
public interface DeadlineListener {

    /**
     * @param deadlineNanos the guest time the timer was scheduled for (guest time now is at or after it); periodic
     *                      devices schedule their next deadline from this value so that they do not drift
     */
    void deadlineReached(long deadlineNanos);
}
