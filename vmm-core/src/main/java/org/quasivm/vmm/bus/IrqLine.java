package org.quasivm.vmm.bus;

/** An interrupt request line from a device to the interrupt controller, handed to the device by its constructor. */
public interface IrqLine {

    /** Drives the line high (asserted) or low. Edge-triggered inputs latch the low-to-high transition. */
    void setLevel(boolean high);

    /** A line connected to nothing. */
    IrqLine NONE = high -> { };

    /** A high-low pulse, as edge-triggered ISA devices raise an interrupt. */
    default void pulse() {
        setLevel(true);
        setLevel(false);
    }
}
