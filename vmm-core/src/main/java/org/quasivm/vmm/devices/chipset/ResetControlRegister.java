package org.quasivm.vmm.devices.chipset;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The PIIX reset control register at CF9h (offset 1 of the CF8h-CFBh byte window): writing RCPU (bit 2) from 0 to
 * 1 resets the system; SRST (bit 1) chooses hard over soft reset, which on this board are the same machine reset.
 */
public final class ResetControlRegister implements BusDevice {

    static final int OFFSET = 1;
    static final int SRST = 0x02;
    static final int RCPU = 0x04;
    static final int FULL_RESET = 0x08;

    private final ResetLine reset;
    private int value;

    public ResetControlRegister(ResetLine reset) {
        this.reset = Objects.requireNonNull(reset, "reset");
    }

    @Override
    public int read(int offset, int size) {
        return offset == OFFSET && size == 1 ? value : 0xFF;
    }

    @Override
    public void write(int offset, int size, int data) {
        if (offset != OFFSET || size != 1) {
            return;
        }
        if ((data & RCPU) != 0) {
            value = data & (SRST | FULL_RESET);
            reset.requestReset();
        } else {
            value = data & (SRST | FULL_RESET);
        }
    }

    public int value() {
        return value;
    }

    public void restore(int saved) {
        value = saved & (SRST | FULL_RESET);
    }
}
