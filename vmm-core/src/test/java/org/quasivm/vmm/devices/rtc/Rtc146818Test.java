package org.quasivm.vmm.devices.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestClock;

class Rtc146818Test {

    private static final long START = LocalDateTime.of(2024, 3, 15, 13, 45, 30).toEpochSecond(ZoneOffset.UTC);
    private static final long MS = 1_000_000L;

    private final TestClock time = new TestClock();
    private final RecordingIrqLine irq = new RecordingIrqLine();
    private final Rtc146818 rtc = new Rtc146818(time.clock, irq, START);

    private int read(int reg) {
        rtc.write(0, 1, reg);
        return rtc.read(1, 1);
    }

    private void write(int reg, int value) {
        rtc.write(0, 1, reg);
        rtc.write(1, 1, value);
    }

    @Test
    void readsTheStartTimeInBcd() {
        assertEquals(0x30, read(0x00));
        assertEquals(0x45, read(0x02));
        assertEquals(0x13, read(0x04));
        assertEquals(0x15, read(0x07));
        assertEquals(0x03, read(0x08));
        assertEquals(0x24, read(0x09));
        assertEquals(0x20, read(0x32));
        assertEquals(6, read(0x06)); // a Friday
    }

    @Test
    void binaryModeShowsPlainNumbers() {
        write(0x0B, 0x06);
        assertEquals(45, read(0x02));
        assertEquals(24, read(0x09));
    }

    @Test
    void twelveHourModeSetsThePmBit() {
        write(0x0B, 0x00);
        assertEquals(0x81, read(0x04));
    }

    @Test
    void timeAdvancesWithGuestTime() {
        time.advance(90_000 * MS);
        assertEquals(0x00, read(0x00));
        assertEquals(0x47, read(0x02));
    }

    @Test
    void dateRollsOverALeapDay() {
        Rtc146818 leap = new Rtc146818(time.clock, irq,
                LocalDateTime.of(2024, 2, 28, 23, 59, 59).toEpochSecond(ZoneOffset.UTC));
        time.advance(86_401_000 * MS);
        leap.write(0, 1, 0x07);
        assertEquals(0x01, leap.read(1, 1));
        leap.write(0, 1, 0x08);
        assertEquals(0x03, leap.read(1, 1));
    }

    @Test
    void settingTheTimeWithTheSetBit() {
        write(0x0B, 0x82); // SET, 24h, BCD
        write(0x00, 0x00);
        write(0x02, 0x00);
        write(0x04, 0x08);
        write(0x07, 0x01);
        write(0x08, 0x01);
        write(0x09, 0x99);
        write(0x32, 0x19);
        time.advance(5_000 * MS);
        assertEquals(0x00, read(0x00)); // held while SET
        write(0x0B, 0x02);
        time.advance(2_500 * MS);
        assertEquals(0x02, read(0x00));
        assertEquals(0x08, read(0x04));
        assertEquals(0x99, read(0x09));
        assertEquals(LocalDateTime.of(1999, 1, 1, 8, 0, 2).toEpochSecond(ZoneOffset.UTC), rtc.currentSeconds());
    }

    @Test
    void writingATimeRegisterWhileRunningMovesTheClock() {
        write(0x04, 0x20);
        assertEquals(0x20, read(0x04));
        assertEquals(0x45, read(0x02));
    }

    @Test
    void dividerResetHoldsTheClock() {
        write(0x0A, 0x70);
        time.advance(10_000 * MS);
        assertEquals(0x30, read(0x00));
        write(0x0A, 0x26);
        time.advance(600 * MS); // the first update comes half a second after release
        assertEquals(0x31, read(0x00));
    }

    @Test
    void periodicInterruptAtTheProgrammedRate() {
        write(0x0A, 0x26); // 1024 Hz
        write(0x0B, 0x42); // PIE
        for (int i = 0; i < 1000; i++) {
            time.advance(MS / 10);
            if (irq.isHigh()) {
                assertEquals(0xC0, read(0x0C) & 0xC0);
            }
        }
        assertTrue(irq.raises() >= 101 && irq.raises() <= 103, "raises " + irq.raises());
    }

    @Test
    void interruptStaysAssertedUntilRegisterCIsRead() {
        write(0x0B, 0x42);
        time.advance(2 * MS);
        assertTrue(irq.isHigh());
        time.advance(10 * MS);
        assertEquals(1, irq.raises());
        read(0x0C);
        assertFalse(irq.isHigh());
    }

    @Test
    void updateEndedInterruptEverySecond() {
        write(0x0B, 0x12);
        for (int i = 0; i < 5; i++) {
            time.advance(1_000 * MS);
            assertEquals(0x90, read(0x0C) & 0xB0); // PF also runs at the default rate
        }
        assertEquals(5, irq.raises());
    }

    @Test
    void alarmInterruptAtTheMatchingSecond() {
        write(0x01, 0x33);
        write(0x03, 0xFF); // don't care
        write(0x05, 0xC0); // don't care
        write(0x0B, 0x22); // AIE
        time.advance(2_500 * MS);
        assertFalse(irq.isHigh());
        time.advance(1_000 * MS);
        assertTrue(irq.isHigh());
        assertEquals(0xA0, read(0x0C) & 0xA0); // UF and PF are set too
    }

    @Test
    void anUpdateReadBeforeItsLateTimerFiresIsReportedOnce() {
        write(0x0A, 0x20);  // no periodic rate
        write(0x0B, 0x12);  // UIE, with IRQ8 masked at the PIC the guest polls C
        read(0x0C);
        time.advanceWithoutTimers(1_100 * MS);
        assertEquals(0x90, read(0x0C));
        time.fireLateTimers();
        assertEquals(0x00, read(0x0C));
        time.advance(1_000 * MS); // and the next update still comes
        assertEquals(0x90, read(0x0C));
    }

    @Test
    void updateFlagCanBePolledWithInterruptsOff() {
        read(0x0C);
        time.advance(1_100 * MS);
        assertEquals(0x10, read(0x0C) & 0xB0);
        assertEquals(0x00, read(0x0C));
        assertEquals(0, irq.raises());
    }

    @Test
    void updateInProgressJustBeforeTheSecondTicks() {
        time.advance(999_900_000L);
        assertEquals(0x80, read(0x0A) & 0x80);
        time.advance(200_000L);
        assertEquals(0x00, read(0x0A) & 0x80);
    }

    @Test
    void registerDReportsValidRamAndIgnoresWrites() {
        write(0x0D, 0x00);
        assertEquals(0x80, read(0x0D));
    }

    @Test
    void indexPortCarriesTheNmiMask() {
        rtc.write(0, 1, 0x8F);
        assertTrue(rtc.nmiMasked());
        rtc.write(0, 1, 0x0F);
        assertFalse(rtc.nmiMasked());
        assertEquals(0xFF, rtc.read(0, 1));
    }

    @Test
    void cmosRamKeepsWhatIsWritten() {
        write(0x40, 0x5A);
        assertEquals(0x5A, read(0x40));
        rtc.setCmosByte(0x15, 0x80);
        assertEquals(0x80, read(0x15));
    }

    @Test
    void snapshotRestoresTimeAndPendingInterrupt() {
        write(0x0B, 0x42);
        time.advance(5 * MS);
        RecordingIrqLine other = new RecordingIrqLine();
        Rtc146818 restored = Rtc146818.fromState(rtc.state(), time.clock, other);
        assertTrue(other.isHigh());
        time.advance(60_000 * MS);
        restored.write(0, 1, 0x02);
        assertEquals(0x46, restored.read(1, 1));
    }

    @Test
    void badSnapshotIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RtcState(new byte[10], 0, false, true, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new RtcState(new byte[128], 200, false, true, 0, 0, 0));
    }

    @Test
    void nonsenseFieldsAreClampedNotThrown() {
        write(0x0B, 0x80);
        for (int r : new int[] {0, 2, 4, 7, 8, 9, 0x32}) {
            write(r, 0xFF);
        }
        write(0x0B, 0x02);
        read(0x00);
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int v = random.nextInt(256);
            rtc.write(random.nextInt(3), 1, v);
            int got = rtc.read(random.nextInt(3), 1);
            assertTrue(got >= 0 && got <= 0xFF);
            if (i % 1000 == 0) {
                time.advance(random.nextInt(2_000) * MS);
            }
        }
    }
}
