package org.quasivm.vmm.devices.chipset;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;

/** Port 92h, "System Control Port A": bit 0 fast reset (on a 0-to-1 write), bit 1 fast A20. */
public final class SystemControlPortA implements BusDevice {

    static final int FAST_RESET = 0x01;
    static final int FAST_A20 = 0x02;

    private final A20Gate a20;
    private final ResetLine reset;
    private int value;

    public SystemControlPortA(A20Gate a20, ResetLine reset) {
        this.a20 = Objects.requireNonNull(a20, "a20");
        this.reset = Objects.requireNonNull(reset, "reset");
    }

    @Override
    public int read(int offset, int size) {
        return value;
    }

    @Override
    public void write(int offset, int size, int data) {
        int old = value;
        value = data & (FAST_RESET | FAST_A20);
        a20.setFast((value & FAST_A20) != 0);
        if ((value & FAST_RESET) != 0 && (old & FAST_RESET) == 0) {
            reset.requestReset();
        }
    }

    public int value() {
        return value;
    }

    /** Restores the register (snapshots, reset): the A20 bit is re-applied. */
    public void restore(int saved) {
        value = saved & (FAST_RESET | FAST_A20);
        a20.setFast((value & FAST_A20) != 0);
    }
}
