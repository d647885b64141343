package org.quasivm.vmm.clock;

/** How guest time advances. */
public enum ClockMode {

    /** Guest time follows the host's monotonic clock (paused intervals excluded). */
    REALTIME,

    /**
     * Guest time is a function of instructions retired (plus idle skips to the next deadline while the CPU halts),
     * so the same guest with the same inputs behaves identically, bit for bit, on every run.
     */
    DETERMINISTIC
}
