package org.quasivm.vmm.devices.uart;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.clock.ClockTimer;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * A National Semiconductor 16550A UART (offsets 0-7 from 3F8h/2F8h): 16-byte receive FIFO with trigger levels 1,
 * 4, 8, 14 and the character timeout, all four interrupt sources in their priority order, modem control and status
 * with delta bits, loopback, divisor latch, scratch register.
 *
 * <p>Transmission is instantaneous: a byte written to THR goes to the backend at once and THR is empty again, as
 * QEMU does. Received bytes come from the backend only while the FIFO has room, so host input is never lost to
 * overrun. The interrupt output reaches the PIC only while MCR OUT2 is set, as on every PC serial card; loopback
 * does not disconnect it.
 */
public final class Uart16550 implements BusDevice {

    static final int RBR_THR_DLL = 0;
    static final int IER_DLM = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_RDA = 0x01;
    static final int IER_THRE = 0x02;
    static final int IER_RLS = 0x04;
    static final int IER_MSR = 0x08;

    static final int IIR_NONE = 0x01;
    static final int IIR_MSR = 0x00;
    static final int IIR_THRE = 0x02;
    static final int IIR_RDA = 0x04;
    static final int IIR_RLS = 0x06;
    static final int IIR_TIMEOUT = 0x0C;
    static final int IIR_FIFOS_ENABLED = 0xC0;

    static final int FCR_ENABLE = 0x01;
    static final int FCR_CLEAR_RX = 0x02;
    static final int FCR_CLEAR_TX = 0x04;

    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;

    static final int LSR_DR = 0x01;
    static final int LSR_OE = 0x02;
    static final int LSR_ERRORS = 0x1E;
    static final int LSR_THRE = 0x20;
    static final int LSR_TEMT = 0x40;
    static final int LSR_FIFO_ERROR = 0x80;

    static final int MSR_DELTAS = 0x0F;
    static final int MSR_TERI = 0x04;
    static final int MSR_RI = 0x40;

    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};
    private static final long BASE_BAUD = 115_200;

    private final VirtualClock clock;
    private final IrqLine irq;
    private final SerialBackend backend;
    private final ClockTimer timeoutTimer;

    private int ier;
    private int lcr;
    private int mcr;
    private int fcr;
    private int scratch;
    private int divisor;
    private int msr;
    private int lsrErrors;
    private boolean thrEmptyPending;
    private boolean timeoutPending;
    private final byte[] rx = new byte[UartState.FIFO_SIZE];
    private int rxHead;
    private int rxCount;
    private boolean irqLevel;

    public Uart16550(VirtualClock clock, IrqLine irq, SerialBackend backend) {
        this(UartState.initial(), clock, irq, backend);
        msr = backend.modemInputs() & 0xF0; // power-on: inputs sampled, no deltas
    }

    private Uart16550(UartState s, VirtualClock clock, IrqLine irq, SerialBackend backend) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.irq = Objects.requireNonNull(irq, "irq");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.timeoutTimer = clock.newTimer("uart-timeout", d -> characterTimeout());
        load(s);
    }

    /** Rebuilds a UART from a snapshot (validated by {@link UartState}); a pending interrupt is raised again. */
    public static Uart16550 fromState(UartState state, VirtualClock clock, IrqLine irq, SerialBackend backend) {
        return new Uart16550(Objects.requireNonNull(state, "state"), clock, irq, backend);
    }

    public UartState state() {
        byte[] fifo = new byte[rxCount];
        for (int i = 0; i < rxCount; i++) {
            fifo[i] = rx[(rxHead + i) % rx.length];
        }
        return new UartState(ier, lcr, mcr, fcr, scratch, divisor, msr, lsrErrors, thrEmptyPending, timeoutPending,
                fifo);
    }

    public void reset() {
        load(UartState.initial());
        msr = backend.modemInputs() & 0xF0;
    }

    private void load(UartState s) {
        ier = s.ier();
        lcr = s.lcr();
        mcr = s.mcr();
        fcr = s.fcr();
        scratch = s.scratch();
        divisor = s.divisor();
        msr = s.msr();
        lsrErrors = s.lsrErrors();
        thrEmptyPending = s.thrEmptyInterruptPending();
        timeoutPending = s.timeoutPending();
        byte[] fifo = s.rxFifo();
        if (!fifoEnabled() && fifo.length > 1) {
            throw new IllegalArgumentException("UART with FIFOs off holds at most one received byte");
        }
        rxHead = 0;
        rxCount = fifo.length;
        System.arraycopy(fifo, 0, rx, 0, fifo.length);
        irqLevel = false;
        irq.setLevel(false);
        timeoutTimer.cancel();
        if (timeoutPending || rxCount > 0) {
            armTimeout();
        }
        updateInterrupt();
    }

    public SerialBackend backend() {
        return backend;
    }

    // ---- guest access

    @Override
    public int read(int offset, int size) {
        switch (offset) {
            case RBR_THR_DLL:
                return (lcr & LCR_DLAB) != 0 ? divisor & 0xFF : readReceiver();
            case IER_DLM:
                return (lcr & LCR_DLAB) != 0 ? divisor >> 8 : ier;
            case IIR_FCR: {
                int iir = identify();
                if (iir == IIR_THRE) {
                    thrEmptyPending = false; // reading IIR while THRE is the source acknowledges it
                    updateInterrupt();
                }
                return iir | (fifoEnabled() ? IIR_FIFOS_ENABLED : 0);
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR: {
                int lsr = lineStatus();
                lsrErrors = 0;
                updateInterrupt();
                return lsr;
            }
            case MSR: {
                int value = modemStatus();
                msr &= ~MSR_DELTAS;
                updateInterrupt();
                return value;
            }
            case SCR:
                return scratch;
            default:
                return 0xFF;
        }
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        switch (offset) {
            case RBR_THR_DLL -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xFF00) | value;
                } else {
                    transmit(value);
                }
            }
            case IER_DLM -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0x00FF) | value << 8;
                } else {
                    int old = ier;
                    ier = value & 0x0F;
                    if ((ier & IER_THRE) != 0 && (old & IER_THRE) == 0) {
                        thrEmptyPending = true; // enabling THRE interrupts while THR is empty interrupts at once
                    }
                    updateInterrupt();
                }
            }
            case IIR_FCR -> writeFifoControl(value);
            case LCR -> lcr = value;
            case MCR -> {
                int old = mcr;
                mcr = value & 0x1F;
                if (((old ^ mcr) & MCR_LOOP) != 0 || (mcr & MCR_LOOP) != 0) {
                    refreshModemInputs();
                }
                updateInterrupt();
            }
            case LSR, MSR -> { } // factory test registers: writes ignored
            case SCR -> scratch = value;
            default -> { }
        }
    }

    // ---- receive

    private boolean fifoEnabled() {
        return (fcr & FCR_ENABLE) != 0;
    }

    private int capacity() {
        return fifoEnabled() ? UartState.FIFO_SIZE : 1;
    }

    /** Whether another byte from the host fits now. */
    public boolean canReceive() {
        return (mcr & MCR_LOOP) == 0 && rxCount < capacity();
    }

    /** Moves waiting host bytes into the FIFO while it has room. Called by the run loop on the VM thread. */
    public void pollBackend() {
        while (canReceive()) {
            int b = backend.poll();
            if (b < 0) {
                return;
            }
            receive(b);
        }
    }

    private void receive(int b) {
        if (rxCount == capacity()) {
            lsrErrors |= LSR_OE;
            if (!fifoEnabled()) {
                rx[rxHead] = (byte) b; // 16450 mode: the new byte overwrites the unread one in RBR
            }
            // FIFO mode: the byte in the shift register is lost; the FIFO keeps its contents
        } else {
            rx[(rxHead + rxCount) % rx.length] = (byte) b;
            rxCount++;
        }
        timeoutPending = false;
        armTimeout();
        updateInterrupt();
    }

    private int readReceiver() {
        if (rxCount == 0) {
            return 0;
        }
        int b = rx[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % rx.length;
        rxCount--;
        timeoutPending = false;
        if (rxCount > 0) {
            armTimeout();
        } else {
            timeoutTimer.cancel();
        }
        if (canReceive() && (mcr & MCR_LOOP) == 0) {
            int next = backend.poll();
            if (next >= 0) {
                receive(next);
            }
        }
        updateInterrupt();
        return b;
    }

    /** Four character times at the current divisor and frame format (start, data, parity, stop bits). */
    private long characterTimeoutNanos() {
        int bits = 1 + 5 + (lcr & 3) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
        long div = divisor == 0 ? 65536 : divisor;
        return 4L * bits * div * 1_000_000_000L / BASE_BAUD;
    }

    private void armTimeout() {
        if (fifoEnabled()) {
            timeoutTimer.scheduleIn(characterTimeoutNanos());
        }
    }

    private void characterTimeout() {
        if (fifoEnabled() && rxCount > 0) {
            timeoutPending = true;
            updateInterrupt();
        }
    }

    // ---- transmit

    private void transmit(int b) {
        if ((mcr & MCR_LOOP) != 0) {
            receive(b);
        } else {
            backend.transmit(b);
        }
        thrEmptyPending = true; // sent at once: THR is empty again
        updateInterrupt();
    }

    private void writeFifoControl(int value) {
        boolean wasEnabled = fifoEnabled();
        boolean enable = (value & FCR_ENABLE) != 0;
        if (enable != wasEnabled || (value & FCR_CLEAR_RX) != 0) {
            rxHead = 0;
            rxCount = 0;
            timeoutPending = false;
            timeoutTimer.cancel();
            lsrErrors = 0;
        }
        fcr = enable ? value & 0xC9 : 0; // clear bits self-reset; DMA mode and trigger level kept
        updateInterrupt(); // clearing the transmit FIFO changes nothing: it is always empty here
    }

    // ---- status

    private int lineStatus() {
        int lsr = LSR_THRE | LSR_TEMT | lsrErrors;
        if (rxCount > 0) {
            lsr |= LSR_DR;
        }
        if (fifoEnabled() && (lsrErrors & LSR_ERRORS & ~LSR_OE) != 0) {
            lsr |= LSR_FIFO_ERROR;
        }
        return lsr;
    }

    private int modemStatus() {
        return msr;
    }

    /** Samples the modem inputs (the host's lines, or MCR in loopback) and records changes as deltas. */
    public void refreshModemInputs() {
        int inputs;
        if ((mcr & MCR_LOOP) != 0) {
            inputs = ((mcr & MCR_RTS) != 0 ? 0x10 : 0) | ((mcr & MCR_DTR) != 0 ? 0x20 : 0)
                    | ((mcr & MCR_OUT1) != 0 ? 0x40 : 0) | ((mcr & MCR_OUT2) != 0 ? 0x80 : 0);
        } else {
            inputs = backend.modemInputs() & 0xF0;
        }
        int changed = (msr ^ inputs) & 0xF0;
        int deltas = (changed >> 4) & 0x0B; // DCTS, DDSR, DDCD on any change
        if ((changed & MSR_RI) != 0 && (inputs & MSR_RI) == 0) {
            deltas |= MSR_TERI; // RI reports only its trailing edge
        }
        msr = inputs | (msr & MSR_DELTAS) | deltas;
        updateInterrupt();
    }

    /** The interrupt identification (IIR bits 0-3) by 16550 priority: line status, data, THR empty, modem. */
    private int identify() {
        if ((ier & IER_RLS) != 0 && lsrErrors != 0) {
            return IIR_RLS;
        }
        if ((ier & IER_RDA) != 0) {
            if (timeoutPending && rxCount > 0) {
                return IIR_TIMEOUT;
            }
            int trigger = fifoEnabled() ? TRIGGER_LEVELS[(fcr >> 6) & 3] : 1;
            if (rxCount >= trigger) {
                return IIR_RDA;
            }
        }
        if ((ier & IER_THRE) != 0 && thrEmptyPending) {
            return IIR_THRE;
        }
        if ((ier & IER_MSR) != 0 && (msr & MSR_DELTAS) != 0) {
            return IIR_MSR;
        }
        return IIR_NONE;
    }

    private void updateInterrupt() {
        boolean pending = identify() != IIR_NONE;
        // OUT2 gates the IRQ driver on PC serial cards. In loopback the interrupts stay "fully operational" (the
        // 16550A data sheet) and still follow the OUT2 bit as written, as on QEMU and chipset UARTs: a guest can test
        // its interrupt handler with no cable attached.
        boolean level = pending && (mcr & MCR_OUT2) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.setLevel(level);
        }
    }

    /** The current interrupt identification, for tests and diagnostics (no side effects). */
    public int pendingInterrupt() {
        return identify();
    }
}
