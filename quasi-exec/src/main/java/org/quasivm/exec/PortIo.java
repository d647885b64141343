package org.quasivm.exec;

/** The machine's I/O port space as the CPU sees it. Implemented by the machine's I/O bus. */
public interface PortIo {

    /** Reads {@code size} (1, 2 or 4) bytes from {@code port}; unmapped ports read as all ones. */
    int in(int port, int size);

    /** Writes the low {@code size} (1, 2 or 4) bytes of {@code value} to {@code port}. */
    void out(int port, int size, int value);
}
