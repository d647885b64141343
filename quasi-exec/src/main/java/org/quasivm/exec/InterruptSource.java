package org.quasivm.exec;

/** The CPU's INTR pin and interrupt-acknowledge cycle, implemented by the machine's interrupt controller. */
public interface InterruptSource {

    /** Whether the controller is asserting INTR. Polled at instruction (or block) boundaries when IF is set. */
    boolean hasInterrupt();

    /** The INTA cycle: returns the vector to deliver and updates the controller's in-service state. */
    int acknowledge();
}
