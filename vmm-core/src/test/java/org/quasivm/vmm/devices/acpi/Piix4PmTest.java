package org.quasivm.vmm.devices.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.devices.pci.BoardPciAddressSpace;
import org.quasivm.vmm.devices.pci.PciBus;
import org.quasivm.vmm.memory.PcMemoryMap;
import org.quasivm.vmm.testing.RecordingIrqLine;
import org.quasivm.vmm.testing.TestClock;

class Piix4PmTest {

    private final TestClock time = new TestClock();
    private final RecordingIrqLine sci = new RecordingIrqLine();
    private final IoBus io = new IoBus();
    private final PcMemoryMap memory = new PcMemoryMap(8 << 20, new byte[64 << 10], new MmioBus());
    private final PciBus bus = new PciBus(new BoardPciAddressSpace(io, memory));
    private int powerOffs;
    private final Piix4Pm pm = new Piix4Pm(time.clock, sci, () -> powerOffs++, Piix4Pm.COM1_DECODE, false);

    Piix4PmTest() {
        bus.add(1, 3, pm);
        io.map("apm", 0xB2, 2, pm.apmPorts(), AccessWidth.BYTE);
        io.map("gpe0", Piix4Pm.GPE0_PORT, 4, pm.gpeBlock(), AccessWidth.ANY);
    }

    /** What SeaBIOS's piix4_pm_setup does. */
    private void enableIo() {
        bus.writeConfig(1, 3, 0x40, 4, 0xB000 | 1);
        bus.writeConfig(1, 3, 0x80, 1, 0x01);
    }

    @Test
    void identifiesAsPiix4PmWithSmmAlreadySetUp() {
        assertEquals(0x7113_8086, bus.readConfig(1, 3, 0, 4));
        assertEquals(0x02, bus.readConfig(1, 3, 0x5B, 1));
        assertEquals(0x08, bus.readConfig(1, 3, 0x67, 1));
        assertEquals(1, bus.readConfig(1, 3, 0x3D, 1));
    }

    @Test
    void pmIoAppearsAtPmbaWhenEnabled() {
        bus.writeConfig(1, 3, 0x40, 4, 0xB000 | 1);
        assertFalse(io.isMapped(0xB008));
        bus.writeConfig(1, 3, 0x80, 1, 0x01);
        assertTrue(io.isMapped(0xB008));
        assertEquals(0xB000, pm.ioBase());
        bus.writeConfig(1, 3, 0x40, 4, 0x600 | 1);
        assertFalse(io.isMapped(0xB008));
        assertTrue(io.isMapped(0x608));
    }

    @Test
    void pmTimerCountsAt3579545Hz() {
        enableIo();
        int t0 = io.in(0xB008, 4);
        time.advance(1_000_000L);
        int t1 = io.in(0xB008, 4);
        assertTrue(Math.abs((t1 - t0) - 3580) <= 1, "delta " + (t1 - t0));
        assertEquals(0, t1 & 0xFF00_0000);
    }

    @Test
    void apmControlPortSwitchesAcpiMode() {
        enableIo();
        assertEquals(0, io.in(0xB004, 2) & 1);
        io.out(0xB2, 1, 0xF1);
        assertEquals(1, io.in(0xB004, 2) & 1);
        assertTrue(pm.acpiEnabled());
        io.out(0xB2, 1, 0xF0);
        assertFalse(pm.acpiEnabled());
        io.out(0xB3, 1, 0x5A);
        assertEquals(0x5A, io.in(0xB3, 1));
    }

    @Test
    void powerButtonRaisesSciWhenEnabledAndClearsOnWriteOne() {
        enableIo();
        pm.pressPowerButton();
        assertFalse(sci.isHigh());
        io.out(0xB002, 2, 0x0100);
        assertTrue(sci.isHigh());
        assertEquals(0x0100, io.in(0xB000, 2) & 0x0100);
        io.out(0xB000, 2, 0x0100);
        assertFalse(sci.isHigh());
    }

    @Test
    void timerOverflowRaisesSciEvery2Pow23Ticks() {
        enableIo();
        io.out(0xB002, 2, 0x0001);
        time.advance(2_300_000_000L);
        assertFalse(sci.isHigh());
        time.advance(100_000_000L);
        assertTrue(sci.isHigh());
        io.out(0xB000, 2, 0x0001);
        assertFalse(sci.isHigh());
        time.advance(2_400_000_000L);
        assertTrue(sci.isHigh());
    }

    @Test
    void sleepEnableWithS5PowersOff() {
        enableIo();
        io.out(0xB004, 2, 1 << 10 | 0x2000); // S3: not supported
        assertEquals(0, powerOffs);
        io.out(0xB004, 2, 0x2000);           // SLP_TYP 0 (the DSDT's _S5), SLP_EN
        assertEquals(1, powerOffs);
        assertEquals(0, io.in(0xB004, 2) & 0x2000);
    }

    @Test
    void gpeBlockStatusIsWriteOneToClear() {
        io.out(Piix4Pm.GPE0_PORT + 2, 2, 0x0003);
        assertEquals(0x0003, io.in(Piix4Pm.GPE0_PORT + 2, 2));
        assertEquals(0, io.in(Piix4Pm.GPE0_PORT, 2));
        io.out(Piix4Pm.GPE0_PORT, 2, 0xFFFF);
        assertFalse(sci.isHigh());
    }

    @Test
    void otherPmRegistersKeepWhatIsWritten() {
        enableIo();
        io.out(0xB028, 4, 0x1234_5678);
        assertEquals(0x1234_5678, io.in(0xB028, 4));
    }

    @Test
    void snapshotRestoresPendingSci() {
        enableIo();
        io.out(0xB002, 2, 0x0100);
        pm.pressPowerButton();
        Piix4PmState s = pm.state();
        pm.restore(Piix4PmState.initial());
        assertFalse(sci.isHigh());
        pm.restore(s);
        assertTrue(sci.isHigh());
        assertThrows(IllegalArgumentException.class,
                () -> new Piix4PmState(0x10000, 0, 0, 0, 0, 0, 0, 0, new byte[64]));
    }

    @Test
    void guestGarbageNeverThrows() {
        enableIo();
        Random r = new Random(9);
        for (int i = 0; i < 100_000; i++) {
            int port = r.nextInt(4) == 0 ? 0xB2 + r.nextInt(2) : 0xB000 + r.nextInt(64);
            int size = 1 << r.nextInt(3);
            if (r.nextBoolean()) {
                io.out(port, size, r.nextInt()); // power-off requests just count here
            } else {
                io.in(port, size);
            }
            if (i % 1000 == 0) {
                bus.writeConfig(1, 3, r.nextInt(256), 1 << r.nextInt(3), r.nextInt());
                enableIo();
            }
        }
    }
}
