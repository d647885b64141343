package org.quasivm.vmm.devices.ps2;

/** A device on one of the i8042's two PS/2 ports, as the controller sees it. */
public interface Ps2Device {

    /** Whether the device has a byte for the controller. */
    boolean hasOutput();

    /** The next byte for the controller (only when {@link #hasOutput()}). */
    int takeOutput();

    /** A byte the controller sends to the device (a command or its argument). */
    void receive(int b);
}
