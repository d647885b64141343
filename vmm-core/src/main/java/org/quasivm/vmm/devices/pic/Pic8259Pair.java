package org.quasivm.vmm.devices.pic;

import java.util.Objects;

import org.quasivm.exec.InterruptSource;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;

/**
 * The PC's cascaded 8259A pair: the slave's INT output drives the master's IR2, the master's drives the CPU's
 * INTR. Also the PIIX edge/level control registers (ELCR, ports 4D0h/4D1h). IRQ 0-2, 8 and 13 are always edge
 * triggered on the PIIX, so the ELCR cannot change them.
 *
 * <p>{@link #hasInterrupt()} is read at every instruction boundary: it returns a field kept current on each
 * change rather than computing anything.
 */
public final class Pic8259Pair implements InterruptSource {

    static final int MASTER_ELCR_MASK = 0xF8;
    static final int SLAVE_ELCR_MASK = 0xDE;
    private static final int CASCADE_IRQ = 2;

    private final Pic8259 master;
    private final Pic8259 slave;
    private boolean intr;
    private long acknowledged;

    public Pic8259Pair() {
        this(new PicPairState(PicState.initial(), PicState.initial()));
    }

    private Pic8259Pair(PicPairState state) {
        master = new Pic8259(MASTER_ELCR_MASK, true, this::masterChanged);
        slave = new Pic8259(SLAVE_ELCR_MASK, false, this::slaveChanged);
        master.load(state.master());
        slave.load(state.slave());
        slaveChanged();
    }

    /** Rebuilds a pair from a snapshot (validated); a pending request drives INTR again. */
    public static Pic8259Pair fromState(PicPairState state) {
        Objects.requireNonNull(state, "state");
        return new Pic8259Pair(state);
    }

    public PicPairState state() {
        return new PicPairState(master.state(), slave.state());
    }

    /** Returns both chips to their power-on state. */
    public void reset() {
        master.load(PicState.initial());
        slave.load(PicState.initial());
        slaveChanged();
    }

    private void slaveChanged() {
        master.setInput(CASCADE_IRQ, slave.pendingIrq() != Pic8259.NO_IRQ);
    }

    private void masterChanged() {
        intr = master.pendingIrq() != Pic8259.NO_IRQ;
    }

    /** The master's registers, ports 20h-21h. */
    public BusDevice master() {
        return master;
    }

    /** The slave's registers, ports A0h-A1h. */
    public BusDevice slave() {
        return slave;
    }

    /** ELCR1/ELCR2 at offsets 0 and 1 (ports 4D0h-4D1h). */
    public BusDevice elcr() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return offset == 0 ? master.elcr() : offset == 1 ? slave.elcr() : 0xFF;
            }

            @Override
            public void write(int offset, int size, int value) {
                if (offset == 0) {
                    master.setElcr(value);
                } else if (offset == 1) {
                    slave.setElcr(value);
                }
            }
        };
    }

    /** Sets ISA interrupt input {@code irq} (0..15) to {@code high}. IRQ 2 is the cascade and cannot be driven. */
    public void setIrq(int irq, boolean high) {
        if (irq < 0 || irq > 15 || irq == CASCADE_IRQ) {
            throw new IllegalArgumentException("no ISA interrupt input " + irq);
        }
        if (irq < 8) {
            master.setInput(irq, high);
        } else {
            slave.setInput(irq - 8, high);
        }
    }

    /** A line driving input {@code irq}, to hand to a device. */
    public IrqLine line(int irq) {
        if (irq < 0 || irq > 15 || irq == CASCADE_IRQ) {
            throw new IllegalArgumentException("no ISA interrupt input " + irq);
        }
        return high -> setIrq(irq, high);
    }

    @Override
    public boolean hasInterrupt() {
        return intr;
    }

    /** Interrupt acknowledge cycles so far: how the run loop tells a CPU that takes interrupts from a stuck one. */
    public long acknowledged() {
        return acknowledged;
    }

    @Override
    public int acknowledge() {
        acknowledged++;
        int irq = master.pendingIrq();
        if (irq == Pic8259.NO_IRQ) {
            return master.vectorBase() + 7; // spurious: the request vanished before INTA
        }
        master.acknowledge(irq);
        if (irq != CASCADE_IRQ) {
            return master.vectorBase() + irq;
        }
        int slaveIrq = slave.pendingIrq();
        if (slaveIrq == Pic8259.NO_IRQ) {
            return slave.vectorBase() + 7; // spurious IRQ 15
        }
        slave.acknowledge(slaveIrq);
        return slave.vectorBase() + slaveIrq;
    }
}
