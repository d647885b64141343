package org.quasivm.vmm.devices.chipset;

/** A request from hardware to reset the machine (keyboard controller pulse, port 92h, CF9h). */
@FunctionalInterface
public interface ResetLine {

    /** Asks for a reset after the current instruction; the run loop performs it. */
    void requestReset();

    ResetLine NONE = () -> { };
}
