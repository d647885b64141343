package org.quasivm.exec;

/** The CPU's INTR pin and interrupt-acknowledge cycle, implemented by the machine's interrupt controller. */
public interface InterruptSource {

    /** Whether the controller is asserting INTR. Polled at instruction (or block) boundaries when IF is set. */
    boolean hasInterrupt();

    /** The INTA cycle: returns the vector to deliver and updates the controller's in-service state. */
    int acknowledge();

    /**
     * The CPU asserted FERR#: a waiting x87 instruction found an unmasked exception pending while CR0.NE is clear
     * (the legacy, DOS-compatible error reporting). A PC chipset turns this into IRQ13, held until software writes
     * port F0h. Machines without that wiring ignore it.
     */
    default void assertFerr() {
    }
}
