package org.quasivm.vmm.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.bus.WiredOrIrq;
import org.quasivm.vmm.memory.PamAttribute;
import org.quasivm.vmm.memory.PcMemoryMap;
import org.quasivm.vmm.testing.RecordingIrqLine;

class ChipsetFunctionsTest {

    private final PcMemoryMap memory = new PcMemoryMap(16 << 20, new byte[128 << 10], new MmioBus());
    private final PciBus bus = new PciBus(new BoardPciAddressSpace(new IoBus(), memory));
    private final RecordingIrqLine[] isa = new RecordingIrqLine[16];
    private final I440fxHostBridge host = new I440fxHostBridge(memory);
    private final Piix3IsaBridge piix3;

    ChipsetFunctionsTest() {
        IrqLine[] lines = new IrqLine[16];
        for (int i = 0; i < 16; i++) {
            isa[i] = new RecordingIrqLine();
            lines[i] = isa[i];
        }
        piix3 = new Piix3IsaBridge(lines);
        bus.add(0, 0, host);
        bus.add(1, 0, piix3);
        bus.setInterruptRouter(piix3);
    }

    @Test
    void hostBridgeCarriesQemuSubsystemIds() {
        assertEquals(0x1237_8086, bus.readConfig(0, 0, 0, 4));
        assertEquals(0x1100_1AF4, bus.readConfig(0, 0, 0x2C, 4));
    }

    @Test
    void pamRegistersSwitchShadowSegments() {
        bus.writeConfig(0, 0, 0x58, 4, 0x0000_3000); // PAM0 (59h) = 30h: F-segment read/write DRAM
        assertEquals(PamAttribute.READ_WRITE, memory.pam(12));
        bus.writeConfig(0, 0, 0x5A, 1, 0x31);         // C0000 read-only, C4000 read/write
        assertEquals(PamAttribute.READ_ONLY, memory.pam(0));
        assertEquals(PamAttribute.READ_WRITE, memory.pam(1));
        assertEquals(0x30, bus.readConfig(0, 0, 0x59, 1));
    }

    @Test
    void pamResetsWithTheBus() {
        bus.writeConfig(0, 0, 0x59, 1, 0x30);
        bus.reset();
        assertEquals(PamAttribute.DISABLED, memory.pam(12));
        assertEquals(0x02, bus.readConfig(0, 0, 0x72, 1));
    }

    @Test
    void pirqRoutesAreDisabledAtReset() {
        assertEquals(0x8080_8080, bus.readConfig(1, 0, 0x60, 4));
        piix3.setPirq(0, true);
        for (RecordingIrqLine line : isa) {
            assertFalse(line.isHigh());
        }
    }

    @Test
    void assertedPirqReachesItsRoutedIrq() {
        bus.writeConfig(1, 0, 0x60, 1, 10);
        piix3.setPirq(0, true);
        assertTrue(isa[10].isHigh());
        piix3.setPirq(0, false);
        assertFalse(isa[10].isHigh());
    }

    @Test
    void reroutingMovesAnAssertedInterrupt() {
        bus.writeConfig(1, 0, 0x61, 1, 11);
        piix3.setPirq(1, true);
        bus.writeConfig(1, 0, 0x61, 1, 5);
        assertFalse(isa[11].isHigh());
        assertTrue(isa[5].isHigh());
        bus.writeConfig(1, 0, 0x61, 1, 0x85);
        assertFalse(isa[5].isHigh());
    }

    @Test
    void reservedIrqsCannotBeRouteTargets() {
        bus.writeConfig(1, 0, 0x62, 1, 2);
        piix3.setPirq(2, true);
        assertEquals(-1, piix3.routeOf(2));
        assertFalse(isa[2].isHigh());
    }

    @Test
    void twoPirqsOnOneIrqKeepItHighUntilBothDrop() {
        bus.writeConfig(1, 0, 0x60, 4, 0x0B0B_0B0B);
        piix3.setPirq(0, true);
        piix3.setPirq(3, true);
        piix3.setPirq(0, false);
        assertTrue(isa[11].isHigh());
        piix3.setPirq(3, false);
        assertFalse(isa[11].isHigh());
    }

    @Test
    void wiredOrSharesAnInputBetweenDevices() {
        RecordingIrqLine input = new RecordingIrqLine();
        WiredOrIrq shared = new WiredOrIrq(input);
        IrqLine a = shared.newSource();
        IrqLine b = shared.newSource();
        a.setLevel(true);
        b.setLevel(true);
        a.setLevel(false);
        assertTrue(input.isHigh());
        b.setLevel(false);
        assertFalse(input.isHigh());
        assertEquals(1, input.raises());
    }
}
