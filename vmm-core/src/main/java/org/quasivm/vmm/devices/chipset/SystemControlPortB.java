package org.quasivm.vmm.devices.chipset;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.pit.Pit8254;

/**
 * Port 61h, "System Control Port B" (PIIX NMI status and control): bit 0 timer 2 gate, bit 1 speaker data
 * enable, bits 2-3 parity/channel check enables (stored), bit 4 the refresh request toggle (flips every 15.085 µs
 * of guest time; BIOS delay loops count it), bit 5 timer 2 OUT. No NMI sources exist, so bits 6-7 read 0.
 */
public final class SystemControlPortB implements BusDevice {

    static final int GATE2 = 0x01;
    static final int SPEAKER_DATA = 0x02;
    static final int WRITABLE = 0x0F;
    static final int REFRESH_TOGGLE = 0x10;
    static final int OUT2 = 0x20;
    static final long REFRESH_PERIOD_NS = 15_085;

    private final Pit8254 pit;
    private final VirtualClock clock;
    private int value;

    public SystemControlPortB(Pit8254 pit, VirtualClock clock) {
        this.pit = Objects.requireNonNull(pit, "pit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public int read(int offset, int size) {
        int v = value;
        if ((clock.nanos() / REFRESH_PERIOD_NS & 1) != 0) {
            v |= REFRESH_TOGGLE;
        }
        if (pit.out(2)) {
            v |= OUT2;
        }
        return v;
    }

    @Override
    public void write(int offset, int size, int data) {
        value = data & WRITABLE;
        pit.setGate(2, (value & GATE2) != 0);
    }

    /** Whether the speaker sounds: data enabled and timer 2 gated on (the tone is counter 2's square wave). */
    public boolean speakerOn() {
        return (value & (GATE2 | SPEAKER_DATA)) == (GATE2 | SPEAKER_DATA);
    }

    public int value() {
        return value;
    }

    public void restore(int saved) {
        write(0, 1, saved);
    }
}
