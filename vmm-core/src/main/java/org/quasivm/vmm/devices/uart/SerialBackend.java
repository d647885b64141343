package org.quasivm.vmm.devices.uart;

/**
 * The host end of a serial port. {@link #transmit}, {@link #flush} and {@link #poll} are called on the VM thread
 * and must not block for long; host I/O happens on the backend's own threads, which call the {@code inputArrived}
 * callback (it wakes the VM thread) when received bytes are waiting.
 */
public interface SerialBackend extends AutoCloseable {

    /** MSR bits a connected peer presents: CTS, DSR and DCD asserted. */
    int CONNECTED = 0x10 | 0x20 | 0x80;

    /** Starts host I/O. {@code inputArrived} may be called from any thread. */
    void start(Runnable inputArrived);

    /** A byte the guest sent. */
    void transmit(int b);

    /** The guest has paused sending (end of a run slice): push buffered output out. */
    void flush();

    /** The next byte from the host, or -1 if none is waiting. Never blocks. */
    int poll();

    /** The modem status inputs (MSR bits 4-7: CTS, DSR, RI, DCD) the host side presents. */
    default int modemInputs() {
        return CONNECTED;
    }

    @Override
    void close();
}
