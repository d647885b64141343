package org.quasivm.vmm.devices.pit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.clock.ClockTimer;
import org.quasivm.vmm.clock.VirtualClock;

/**
 * The 8254 programmable interval timer at 1.193182 MHz: counters 0-2 at offsets 0-2, the control word at offset 3
 * (ports 40h-43h). All six modes, LSB/MSB/word access, BCD, counter latch and read-back commands. Counter 0's OUT
 * drives IRQ 0 (one clock timer at its next rising edge); counter 2's GATE and OUT belong to port 61h.
 */
public final class Pit8254 implements BusDevice {

    private static final int CONTROL = 3;
    private static final int SELECT_READ_BACK = 3;

    private final VirtualClock clock;
    private final IrqLine irq0;
    private final ClockTimer timer;
    private final PitChannel[] channels = {new PitChannel(), new PitChannel(), new PitChannel()};

    public Pit8254(VirtualClock clock, IrqLine irq0) {
        this(PitState.initial(), clock, irq0);
    }

    private Pit8254(PitState state, VirtualClock clock, IrqLine irq0) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.irq0 = Objects.requireNonNull(irq0, "irq0");
        this.timer = clock.newTimer("pit0", this::counter0Edge);
        load(state);
    }

    /** Rebuilds the timer from a snapshot (validated); counter 0's output and next edge are re-established. */
    public static Pit8254 fromState(PitState state, VirtualClock clock, IrqLine irq0) {
        return new Pit8254(Objects.requireNonNull(state, "state"), clock, irq0);
    }

    public PitState state() {
        List<PitChannelState> list = new ArrayList<>(3);
        for (PitChannel c : channels) {
            list.add(c.state());
        }
        return new PitState(list);
    }

    public void reset() {
        load(PitState.initial());
    }

    private void load(PitState state) {
        for (int i = 0; i < 3; i++) {
            channels[i].load(state.channels().get(i));
        }
        counter0Changed(clock.nanos());
    }

    @Override
    public int read(int offset, int size) {
        if (offset < 0 || offset >= CONTROL) {
            return 0xFF; // the control word register cannot be read
        }
        int v = channels[offset].readCounter(clock.nanos());
        return v & 0xFF;
    }

    @Override
    public void write(int offset, int size, int value) {
        long now = clock.nanos();
        value &= 0xFF;
        if (offset == CONTROL) {
            writeControl(value, now);
        } else if (offset >= 0 && offset < CONTROL) {
            channels[offset].writeCounter(value, now);
            if (offset == 0) {
                counter0Changed(now);
            }
        }
    }

    private void writeControl(int value, long now) {
        int select = value >> 6;
        if (select == SELECT_READ_BACK) {
            for (int i = 0; i < 3; i++) {
                if ((value & (2 << i)) != 0) {
                    if ((value & 0x20) == 0) {
                        channels[i].latchCount(now);
                    }
                    if ((value & 0x10) == 0) {
                        channels[i].latchStatus(now);
                    }
                }
            }
            return;
        }
        if ((value & 0x30) == 0) {
            channels[select].latchCount(now);
            return;
        }
        channels[select].writeControl(value, now);
        if (select == 0) {
            counter0Changed(now);
        }
    }

    /**
     * Counter 0 changed at guest time {@code now}: OUT and the next edge follow from that instant. Not from a fresh
     * clock reading: in realtime mode the host clock moves on between two reads (the VM thread can be preempted right
     * after the guest's OUT), and a short count (Linux programs down to 15 clocks, 13 us) would then look already
     * expired, its edge never armed and the guest's one-shot tick lost for good.
     */
    private void counter0Changed(long now) {
        PitChannel c = channels[0];
        irq0.setLevel(c.out(now));
        armTimer(c.nextRisingEdge(now));
    }

    private void armTimer(long edge) {
        if (edge < 0) {
            timer.cancel();
        } else {
            timer.schedule(edge);
        }
    }

    // At a rising edge of OUT0: make sure the PIC sees a low-to-high transition, then wait for the next one.
    private void counter0Edge(long deadline) {
        irq0.setLevel(false);
        irq0.setLevel(true);
        PitChannel c = channels[0];
        long next = c.nextRisingEdge(deadline);
        long now = clock.nanos();
        if (next >= 0 && next <= now) {
            next = c.nextRisingEdge(now); // the host fell behind: coalesce the missed edges into this one
        }
        armTimer(next);
    }

    /** GATE input of counter {@code channel} (only counter 2's is wired: port 61h bit 0). */
    public void setGate(int channel, boolean high) {
        long now = clock.nanos();
        channels[Objects.checkIndex(channel, 3)].setGate(high, now);
        if (channel == 0) {
            counter0Changed(now);
        }
    }

    public boolean gate(int channel) {
        return channels[Objects.checkIndex(channel, 3)].gate;
    }

    /** OUT of counter {@code channel} now (counter 2's is port 61h bit 5). */
    public boolean out(int channel) {
        return channels[Objects.checkIndex(channel, 3)].out(clock.nanos());
    }

    /** The programmed mode of counter {@code channel} (for the speaker: square wave means a tone). */
    public int mode(int channel) {
        return channels[Objects.checkIndex(channel, 3)].mode;
    }

    /** The initial count of counter {@code channel} (1..65536); the tone frequency is 1193182 / count. */
    public int initialCount(int channel) {
        return channels[Objects.checkIndex(channel, 3)].count;
    }
}
