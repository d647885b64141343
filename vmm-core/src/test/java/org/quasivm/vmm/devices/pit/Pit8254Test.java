package org.quasivm.vmm.devices.pit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.clock.ClockMode;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestClock;

class Pit8254Test {

    private final TestClock time = new TestClock();
    private final RecordingIrqLine irq = new RecordingIrqLine();
    private final Pit8254 pit = new Pit8254(time.clock, irq);

    private static final long TICK_NS = 838; // 1 / 1.193182 MHz, rounded down

    private void program(int channel, int controlWord, int count) {
        pit.write(3, 1, controlWord);
        int access = (controlWord >> 4) & 3;
        if (access == 1 || access == 3) {
            pit.write(channel, 1, count & 0xFF);
        }
        if (access == 2 || access == 3) {
            pit.write(channel, 1, (count >> 8) & 0xFF);
        }
    }

    private int readWord(int channel) {
        int lo = pit.read(channel, 1);
        return lo | pit.read(channel, 1) << 8;
    }

    @Test
    void unprogrammedTimerRaisesNothing() {
        time.advance(1_000_000_000L);
        assertEquals(0, irq.raises());
    }

    @Test
    void rateGeneratorInterruptsOncePerPeriod() {
        program(0, 0x34, 1193); // mode 2, ~1 kHz, what Linux uses for HZ=1000
        irq.clearCounts(); // OUT went high when programmed (it was low, unprogrammed)
        time.advance(10_000_000L);
        assertEquals(10, irq.raises());
    }

    @Test
    void squareWaveInterruptsOncePerPeriod() {
        program(0, 0x36, 0); // mode 3, 65536: the BIOS's 18.2 Hz
        irq.clearCounts();
        time.advance(1_000_000_000L);
        assertEquals(18, irq.raises());
    }

    @Test
    void interruptOnTerminalCountFiresOnceAndStaysHigh() {
        program(0, 0x30, 100);
        assertFalse(irq.isHigh());
        time.advance(99 * TICK_NS);
        assertEquals(0, irq.raises());
        time.advance(2 * TICK_NS);
        assertEquals(1, irq.raises());
        time.advance(100_000_000L);
        assertEquals(1, irq.raises());
        assertTrue(irq.isHigh());
    }

    @Test
    void reprogrammingModeZeroDropsOutAndArmsAgain() {
        program(0, 0x30, 10);
        time.advance(20 * TICK_NS);
        program(0, 0x30, 10);
        assertFalse(irq.isHigh());
        time.advance(20 * TICK_NS);
        assertEquals(2, irq.raises());
    }

    @Test
    void counterCountsDownWithTime() {
        program(2, 0xB4, 1000); // counter 2, mode 2
        pit.setGate(2, true);
        time.advance(100 * TICK_NS + 10);
        int v = readWord(2);
        assertTrue(v <= 900 && v >= 899, "read " + v);
    }

    @Test
    void latchedCountIsFrozenUntilRead() {
        program(0, 0x34, 50000);
        time.advance(1000 * TICK_NS + 10);
        pit.write(3, 1, 0x00); // latch counter 0
        time.advance(5000 * TICK_NS);
        int v = readWord(0);
        assertTrue(v <= 49001 && v >= 48999, "read " + v);
        int live = readWord(0);
        assertTrue(live < 44100, "read " + live);
    }

    @Test
    void readBackLatchesStatusThenCount() {
        program(2, 0xB0, 1000); // counter 2, mode 0, LSB/MSB, binary
        pit.setGate(2, true);
        pit.write(3, 1, 0xC0 | 0x08); // read-back count and status of counter 2
        assertEquals(0x30, pit.read(2, 1)); // OUT low, loaded, access 3, mode 0, binary
        assertEquals(1000, readWord(2));
    }

    @Test
    void statusShowsNullCountUntilTheCountIsWritten() {
        pit.write(3, 1, 0x34);
        pit.write(3, 1, 0xE2); // read-back status only, counter 0
        assertEquals(0x80 | 0x40 | 0x34, pit.read(0, 1));
    }

    @Test
    void bcdCountsInDecimal() {
        program(2, 0xB5, 0x1000); // counter 2, mode 2, BCD 1000
        pit.setGate(2, true);
        time.advance(1 * TICK_NS + 10);
        assertEquals(0x0999, readWord(2));
    }

    @Test
    void lsbOnlyAndMsbOnlyAccess() {
        program(2, 0x94, 0x40); // LSB only: count 0x40
        pit.setGate(2, true);
        assertEquals(0x40, pit.read(2, 1));
        assertEquals(0x40, pit.read(2, 1));
        program(2, 0xA4, 0x1200); // MSB only: count 0x1200
        assertEquals(0x12, pit.read(2, 1));
    }

    @Test
    void modeOneWaitsForAGateTrigger() {
        program(2, 0xB2, 10);
        assertTrue(pit.out(2));
        time.advance(100 * TICK_NS);
        assertTrue(pit.out(2));
        pit.setGate(2, true);
        assertFalse(pit.out(2));
        time.advance(11 * TICK_NS);
        assertTrue(pit.out(2));
    }

    @Test
    void modeFourStrobesLowForOneClockAtTerminalCount() {
        program(0, 0x38, 10);
        assertTrue(irq.isHigh());
        time.advance(12 * TICK_NS);
        assertEquals(2, irq.transitions().stream().filter(b -> b).count()); // initial high, then the strobe edge
    }

    @Test
    void aShortOneShotCountInterruptsEvenWhenTheHostClockMovesOnDuringTheWrite() {
        // Realtime: guest time is host time, and the VM thread can be preempted between any two clock reads. Here
        // every read is 100 us later than the one before, longer than the whole count (97 clocks, 81 us).
        long[] host = {0};
        VirtualClock realtime = new VirtualClock(ClockMode.REALTIME, VirtualClock.DEFAULT_INSTRUCTIONS_PER_SECOND,
                () -> host[0] += 100_000);
        RecordingIrqLine line = new RecordingIrqLine();
        Pit8254 timer = new Pit8254(realtime, line);
        timer.write(3, 1, 0x38); // counter 0, LSB then MSB, mode 4: Linux's one-shot clock event
        timer.write(0, 1, 97);
        timer.write(0, 1, 0);
        line.clearCounts();
        realtime.fireDue();
        assertEquals(1, line.raises());
    }

    @Test
    void modeFiveStrobeIsGateTriggered() {
        program(2, 0xBA, 10);
        time.advance(20 * TICK_NS);
        assertTrue(pit.out(2));
        pit.setGate(2, true);
        time.advance(10 * TICK_NS + 100);
        assertFalse(pit.out(2));
        time.advance(TICK_NS);
        assertTrue(pit.out(2));
    }

    @Test
    void gateLowPausesModeZero() {
        pit.setGate(2, true);
        program(2, 0xB0, 1000);
        time.advance(100 * TICK_NS + 10);
        pit.setGate(2, false);
        int paused = readWord(2);
        time.advance(500 * TICK_NS);
        assertEquals(paused, readWord(2));
        pit.setGate(2, true);
        time.advance(1000 * TICK_NS);
        assertTrue(pit.out(2));
    }

    @Test
    void squareWaveOutputIsHighForTheFirstHalf() {
        pit.setGate(2, true);
        program(2, 0xB6, 100);
        time.advance(10 * TICK_NS);
        assertTrue(pit.out(2));
        time.advance(50 * TICK_NS);
        assertFalse(pit.out(2));
    }

    @Test
    void restoredTimerKeepsInterrupting() {
        program(0, 0x34, 1193);
        time.advance(3_000_000L);
        RecordingIrqLine other = new RecordingIrqLine();
        Pit8254 restored = Pit8254.fromState(pit.state(), time.clock, other);
        pit.reset();
        other.clearCounts();
        time.advance(5_000_000L);
        assertEquals(5, other.raises());
        assertEquals(restored.state().channels().get(0).count(), 1193);
    }

    @Test
    void invalidStateIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PitChannelState(6, 3, false, 1, 0, -1, true,
                false, -1, 0, -1, false, false, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new PitChannelState(0, 3, false, 70000, 0, -1, true,
                false, -1, 0, -1, false, false, 0, false));
    }

    @Test
    void guestGarbageNeverThrows() {
        java.util.Random r = new java.util.Random(42);
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int off = r.nextInt(6) - 1;
            if (r.nextBoolean()) {
                pit.write(off, 1, r.nextInt());
            } else {
                reads.add(pit.read(off, 1));
            }
            if (r.nextInt(100) == 0) {
                pit.setGate(2, r.nextBoolean());
                time.advance(r.nextInt(100_000));
            }
        }
        assertTrue(reads.stream().allMatch(v -> v >= 0 && v <= 0xFF));
    }
}
