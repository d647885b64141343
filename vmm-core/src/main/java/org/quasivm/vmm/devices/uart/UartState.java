package org.quasivm.vmm.devices.uart;

/**
 * A 16550A's registers and receive FIFO.
 *
 * @param rxFifo         received bytes not yet read, oldest first (at most 16)
 * @param lsrErrors      LSR bits 1-4 (overrun, parity, framing, break) not yet read
 * @param msr            modem status register (deltas in bits 0-3)
 * @param thrEmptyInterruptPending the THRE interrupt condition (set when THR empties with ETBEI, cleared by
 *                       reading IIR while it is the source, or writing THR)
 * @param timeoutPending the character timeout indication is up
 */
public record UartState(int ier, int lcr, int mcr, int fcr, int scratch, int divisor, int msr, int lsrErrors,
                        boolean thrEmptyInterruptPending, boolean timeoutPending, byte[] rxFifo) {

    public static final int FIFO_SIZE = 16;

    public UartState {
        check("IER", ier, 0x0F);
        check("LCR", lcr, 0xFF);
        check("MCR", mcr, 0x1F);
        check("FCR", fcr, 0xFF);
        check("SCR", scratch, 0xFF);
        check("divisor", divisor, 0xFFFF);
        check("MSR", msr, 0xFF);
        check("LSR errors", lsrErrors, 0x1E);
        if (rxFifo == null || rxFifo.length > FIFO_SIZE) {
            throw new IllegalArgumentException("UART receive FIFO holds at most 16 bytes");
        }
        rxFifo = rxFifo.clone();
    }

    private static void check(String what, int value, int mask) {
        if ((value & ~mask) != 0) {
            throw new IllegalArgumentException("UART " + what + " out of range: " + Integer.toHexString(value));
        }
    }

    @Override
    public byte[] rxFifo() {
        return rxFifo.clone();
    }

    /** Reset values: all interrupts off, FIFOs off, divisor 12 (9600 baud). */
    public static UartState initial() {
        return new UartState(0, 0, 0, 0, 0, 12, 0, 0, false, false, new byte[0]);
    }
}
