package org.quasivm.vmm.machine;

/** Where a {@link Machine} is in its life. */
public enum MachineState {
    /** Built, not started. */
    CREATED,
    /** The VM thread runs the guest. */
    RUNNING,
    /** Guest time stands still; commands are still served. */
    PAUSED,
    /** Powered off or failed; final. */
    STOPPED
}
