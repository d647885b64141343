package org.quasivm.vmm.devices.pic;

import org.quasivm.vmm.bus.BusDevice;

/**
 * One Intel 8259A programmable interrupt controller (datasheet 231468): ICW1-4 initialisation, OCW1 mask, OCW2
 * EOI and rotation commands, OCW3 register select, poll and special mask, auto-EOI, special fully nested mode,
 * and edge or level sensing per input (PIIX ELCR, or ICW1 LTIM for all inputs).
 *
 * <p>Register offsets: 0 = command/status (20h, A0h), 1 = data/mask (21h, A1h). The chip only computes; the
 * {@link Pic8259Pair} wires the cascade and the CPU.
 */
public final class Pic8259 implements BusDevice {

    static final int ICW1 = 0x10;
    static final int ICW1_IC4 = 0x01;
    static final int ICW1_SNGL = 0x02;
    static final int ICW1_LTIM = 0x08;
    static final int OCW3 = 0x08;
    static final int OCW3_POLL = 0x04;
    static final int OCW3_READ_REGISTER = 0x02;
    static final int OCW3_READ_ISR = 0x01;
    static final int OCW3_SPECIAL_MASK_CHANGE = 0x40;
    static final int OCW3_SPECIAL_MASK_SET = 0x20;
    static final int ICW4_AEOI = 0x02;
    static final int ICW4_SFNM = 0x10;
    static final int NO_IRQ = -1;

    private final int elcrMask;
    private final boolean master;
    private final Runnable outputChanged;

    int irr;
    int imr;
    int isr;
    int inputs;
    int elcr;
    int priorityAdd;
    int vectorBase;
    boolean readIsr;
    boolean pollPending;
    boolean specialMask;
    int initStep;
    boolean expectIcw4;
    boolean singleMode;
    boolean levelTriggeredAll;
    boolean autoEoi;
    boolean rotateOnAutoEoi;
    boolean specialFullyNested;

    /**
     * @param elcrMask      which inputs may be level triggered through the ELCR (the PIIX hard-wires IRQ0-2, 8, 13
     *                      to edge)
     * @param master        the master chip (IR2 carries the slave in special fully nested mode)
     * @param outputChanged told after anything that may change the INT output
     */
    Pic8259(int elcrMask, boolean master, Runnable outputChanged) {
        this.elcrMask = elcrMask;
        this.master = master;
        this.outputChanged = outputChanged;
    }

    void load(PicState s) {
        if ((s.elcr() & ~elcrMask) != 0) {
            throw new IllegalArgumentException("8259 ELCR sets bits the chipset hard-wires to edge: "
                    + Integer.toHexString(s.elcr()));
        }
        irr = s.irr();
        imr = s.imr();
        isr = s.isr();
        inputs = s.inputs();
        elcr = s.elcr();
        priorityAdd = s.priorityAdd();
        vectorBase = s.vectorBase();
        readIsr = s.readIsr();
        pollPending = s.pollPending();
        specialMask = s.specialMask();
        initStep = s.initStep();
        expectIcw4 = s.expectIcw4();
        singleMode = s.singleMode();
        levelTriggeredAll = s.levelTriggeredAll();
        autoEoi = s.autoEoi();
        rotateOnAutoEoi = s.rotateOnAutoEoi();
        specialFullyNested = s.specialFullyNested();
    }

    PicState state() {
        return new PicState(irr, imr, isr, inputs, elcr, priorityAdd, vectorBase, readIsr, pollPending, specialMask,
                initStep, expectIcw4, singleMode, levelTriggeredAll, autoEoi, rotateOnAutoEoi, specialFullyNested);
    }

    private boolean levelTriggered(int mask) {
        return levelTriggeredAll || (elcr & mask) != 0;
    }

    /** An IR pin changed level. */
    void setInput(int irq, boolean high) {
        int mask = 1 << irq;
        if (levelTriggered(mask)) {
            if (high) {
                irr |= mask;
                inputs |= mask;
            } else {
                irr &= ~mask;
                inputs &= ~mask;
            }
        } else if (high) {
            if ((inputs & mask) == 0) {
                irr |= mask; // latched on the rising edge; stays requested even if the line drops again
            }
            inputs |= mask;
        } else {
            inputs &= ~mask;
        }
        outputChanged.run();
    }

    /** Priority (0 = highest) of the best bit in {@code mask} given the current rotation; 8 if none. */
    private int priorityOf(int mask) {
        if (mask == 0) {
            return 8;
        }
        int p = 0;
        while ((mask & (1 << ((p + priorityAdd) & 7))) == 0) {
            p++;
        }
        return p;
    }

    /** The IR that would be delivered now, or {@link #NO_IRQ}. */
    int pendingIrq() {
        int requestPriority = priorityOf(irr & ~imr);
        if (requestPriority == 8) {
            return NO_IRQ;
        }
        int inService = isr;
        if (specialMask) {
            inService &= ~imr; // special mask mode: masked in-service levels do not block lower priorities
        }
        if (specialFullyNested && master) {
            inService &= ~(1 << 2); // the slave may interrupt its own in-service cascade level
        }
        if (requestPriority < priorityOf(inService)) {
            return (requestPriority + priorityAdd) & 7;
        }
        return NO_IRQ;
    }

    /** The INTA cycle for {@code irq}: into service (unless auto-EOI), and an edge request is consumed. */
    void acknowledge(int irq) {
        int mask = 1 << irq;
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                priorityAdd = (irq + 1) & 7;
            }
        } else {
            isr |= mask;
        }
        if (!levelTriggered(mask)) {
            irr &= ~mask; // a level-sensitive request stays until the device drops its line
        }
        outputChanged.run();
    }

    @Override
    public int read(int offset, int size) {
        if (pollPending) {
            pollPending = false;
            return poll();
        }
        if ((offset & 1) == 0) {
            return readIsr ? isr : irr;
        }
        return imr;
    }

    /** Poll command: the highest request is acknowledged and returned with bit 7 set, or 0 if none. */
    private int poll() {
        int irq = pendingIrq();
        if (irq == NO_IRQ) {
            return 0;
        }
        acknowledge(irq);
        return 0x80 | irq;
    }

    @Override
    public void write(int offset, int size, int value) {
        value &= 0xFF;
        if ((offset & 1) == 0) {
            writeCommand(value);
        } else {
            writeData(value);
        }
    }

    private void writeCommand(int value) {
        if ((value & ICW1) != 0) {
            initialise(value);
        } else if ((value & OCW3) != 0) {
            if ((value & OCW3_POLL) != 0) {
                pollPending = true;
            }
            if ((value & OCW3_READ_REGISTER) != 0) {
                readIsr = (value & OCW3_READ_ISR) != 0;
            }
            if ((value & OCW3_SPECIAL_MASK_CHANGE) != 0) {
                specialMask = (value & OCW3_SPECIAL_MASK_SET) != 0;
            }
            outputChanged.run();
        } else {
            operationCommand2(value);
        }
    }

    private void initialise(int icw1) {
        // ICW1 clears the edge detectors, IMR, ISR and rotation; level-sensitive requests survive
        inputs = 0;
        irr &= elcr;
        imr = 0;
        isr = 0;
        priorityAdd = 0;
        vectorBase = 0;
        readIsr = false;
        pollPending = false;
        specialMask = false;
        autoEoi = false;
        rotateOnAutoEoi = false;
        specialFullyNested = false;
        expectIcw4 = (icw1 & ICW1_IC4) != 0;
        singleMode = (icw1 & ICW1_SNGL) != 0;
        levelTriggeredAll = (icw1 & ICW1_LTIM) != 0;
        initStep = 1;
        outputChanged.run();
    }

    private void operationCommand2(int value) {
        int command = value >> 5;
        switch (command) {
            case 0, 4 -> rotateOnAutoEoi = command == 4;
            case 1, 5 -> { // non-specific EOI (5: and rotate)
                int priority = priorityOf(isr);
                if (priority != 8) {
                    int irq = (priority + priorityAdd) & 7;
                    isr &= ~(1 << irq);
                    if (command == 5) {
                        priorityAdd = (irq + 1) & 7;
                    }
                }
            }
            case 3 -> isr &= ~(1 << (value & 7)); // specific EOI
            case 6 -> priorityAdd = (value + 1) & 7; // set priority: the named level becomes lowest
            case 7 -> { // rotate on specific EOI
                int irq = value & 7;
                isr &= ~(1 << irq);
                priorityAdd = (irq + 1) & 7;
            }
            default -> { } // 2: no operation
        }
        outputChanged.run();
    }

    private void writeData(int value) {
        switch (initStep) {
            case 0 -> {
                imr = value;
                outputChanged.run();
            }
            case 1 -> {
                vectorBase = value & 0xF8;
                initStep = singleMode ? (expectIcw4 ? 3 : 0) : 2;
            }
            case 2 -> initStep = expectIcw4 ? 3 : 0; // ICW3: the cascade wiring is fixed on a PC
            default -> {
                specialFullyNested = (value & ICW4_SFNM) != 0;
                autoEoi = (value & ICW4_AEOI) != 0;
                initStep = 0;
                outputChanged.run();
            }
        }
    }

    int elcr() {
        return elcr;
    }

    void setElcr(int value) {
        elcr = value & elcrMask;
        // an input switching to level mode is requested exactly while high
        for (int irq = 0; irq < 8; irq++) {
            int mask = 1 << irq;
            if ((elcr & mask) != 0) {
                irr = (inputs & mask) != 0 ? irr | mask : irr & ~mask;
            }
        }
        outputChanged.run();
    }

    int vectorBase() {
        return vectorBase;
    }
}
