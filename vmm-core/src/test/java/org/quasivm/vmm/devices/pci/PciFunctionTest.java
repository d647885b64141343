package org.quasivm.vmm.devices.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.memory.PcMemoryMap;
import org.quasivm.vmm.testing.ByteRegisters;

class PciFunctionTest {

    static final class TestFunction extends PciFunction {
        final ByteRegisters ioRegs = new ByteRegisters(16);
        final ByteRegisters mmioRegs = new ByteRegisters(4096);
        int deviceWrites;

        TestFunction(int pin, boolean withRom) {
            super("test", new PciIdentity(0x1234, 0x5678, 2, 0x030000, 0x1AF4, 0x1100, pin));
            declareBar(0, new PciBar.Memory("lfb", GuestMemory.allocate(1 << 20), true));
            declareBar(1, new PciBar.Io(16, ioRegs, AccessWidth.ANY));
            declareBar(2, new PciBar.Mmio(4096, mmioRegs, false));
            if (withRom) {
                byte[] rom = new byte[5000];
                rom[0] = 0x55;
                rom[1] = (byte) 0xAA;
                declareExpansionRom(rom);
            }
            setWritable(0x40, 4, 0xFF);
        }

        @Override
        protected void configWritten(int offset, int size) {
            deviceWrites++;
        }

        void raise(boolean level) {
            setInterruptLevel(level);
        }
    }

    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final PcMemoryMap memory = new PcMemoryMap(16 << 20, new byte[64 << 10], mmio);
    private final PciBus bus = new PciBus(new BoardPciAddressSpace(io, memory));
    private final List<String> pirqs = new ArrayList<>();

    PciFunctionTest() {
        bus.setInterruptRouter((pirq, level) -> pirqs.add(pirq + (level ? "+" : "-")));
    }

    @Test
    void identityReadsBack() {
        TestFunction f = new TestFunction(1, false);
        bus.add(3, 0, f);
        assertEquals(0x5678_1234, bus.readConfig(3, 0, 0, 4));
        assertEquals(0x0300_0002, bus.readConfig(3, 0, 8, 4));
        assertEquals(0x1100_1AF4, bus.readConfig(3, 0, 0x2C, 4));
        assertEquals(0x01, bus.readConfig(3, 0, 0x3D, 1));
    }

    @Test
    void barSizingReturnsTheSizeMaskAndTypeBits() {
        TestFunction f = new TestFunction(0, true);
        bus.add(2, 0, f);
        f.writeConfig(0x10, 4, 0xFFFF_FFFF);
        assertEquals(0xFFF0_0008, f.readConfig(0x10, 4));
        f.writeConfig(0x14, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFF1, f.readConfig(0x14, 4));
        f.writeConfig(0x18, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_F000, f.readConfig(0x18, 4));
        f.writeConfig(0x1C, 4, 0xFFFF_FFFF);
        assertEquals(0, f.readConfig(0x1C, 4));
        f.writeConfig(0x30, 4, 0xFFFF_F800);
        assertEquals(0xFFFF_E000, f.readConfig(0x30, 4)); // 5000 bytes round up to 8 KiB
    }

    @Test
    void barsDecodeOnlyWhileTheCommandRegisterEnablesThem() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x14, 4, 0xC000);
        assertFalse(io.isMapped(0xC000));
        f.writeConfig(0x04, 2, PciFunction.COMMAND_IO);
        assertTrue(io.isMapped(0xC000));
        io.out(0xC004, 1, 0x42);
        assertEquals(0x42, f.ioRegs.bytes[4]);
        f.writeConfig(0x04, 2, 0);
        assertFalse(io.isMapped(0xC000));
    }

    @Test
    void movingABarMovesItsWindow() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x18, 4, 0xFEBF_0000);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_MEMORY);
        memory.write(0xFEBF_0010L, 4, 7);
        assertEquals(7, f.mmioRegs.bytes[0x10]);
        f.writeConfig(0x18, 4, 0xFEBE_0000);
        assertEquals(0xFFFF_FFFFL, memory.read(0xFEBF_0010L, 4));
        assertEquals(7, memory.read(0xFEBE_0010L, 4));
        assertEquals(0xFEBE_0000L, f.barAddress(2));
    }

    @Test
    void memoryBarIsHostBackedRegion() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x10, 4, 0xFD00_0000);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_MEMORY);
        assertTrue(memory.regions().stream().anyMatch(r -> r.start() == 0xFD00_0000L && !r.readOnly()));
    }

    @Test
    void barProgrammedOverRamDoesNotDecode() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x18, 4, 0x0010_0000);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_MEMORY);
        assertEquals(-1, f.barAddress(2));
        assertEquals(0, memory.read(0x0010_0000L, 4));
    }

    @Test
    void ioBarCollidingWithALegacyDeviceDoesNotDecode() {
        io.map("kbd", 0x60, 1, new ByteRegisters(1), AccessWidth.BYTE);
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x14, 4, 0x60);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_IO);
        assertEquals(-1, f.barAddress(1));
    }

    @Test
    void expansionRomIsVisibleWhenEnabled() {
        TestFunction f = new TestFunction(0, true);
        bus.add(2, 0, f);
        f.writeConfig(0x30, 4, 0xFEB0_0000 | 1);
        assertEquals(0xFFFF, memory.read(0xFEB0_0000L, 2)); // memory decode still off
        f.writeConfig(0x04, 2, PciFunction.COMMAND_MEMORY);
        assertEquals(0xAA55, memory.read(0xFEB0_0000L, 2));
        memory.write(0xFEB0_0000L, 2, 0);
        assertEquals(0xAA55, memory.read(0xFEB0_0000L, 2));
    }

    @Test
    void statusErrorBitsAreWriteOneToClearAndInterruptBitFollowsThePin() {
        TestFunction f = new TestFunction(1, false);
        bus.add(1, 0, f);
        f.raise(true);
        assertEquals(PciFunction.STATUS_INTERRUPT, f.readConfig(0x06, 2));
        f.writeConfig(0x06, 2, 0xFFFF);
        assertEquals(PciFunction.STATUS_INTERRUPT, f.readConfig(0x06, 2));
    }

    @Test
    void intxRotatesOntoPirqBySlotAndHonoursInterruptDisable() {
        TestFunction slot1 = new TestFunction(1, false);
        TestFunction slot3 = new TestFunction(1, false);
        bus.add(1, 0, slot1);
        bus.add(3, 0, slot3);
        slot1.raise(true);
        slot3.raise(true);
        slot3.writeConfig(0x04, 2, PciFunction.COMMAND_INTX_DISABLE);
        assertEquals(List.of("0+", "2+", "2-"), pirqs);
    }

    @Test
    void sharedPirqStaysAssertedWhileAnyFunctionAssertsIt() {
        TestFunction a = new TestFunction(1, false);  // slot 1 INTA -> PIRQA
        TestFunction b = new TestFunction(2, false);  // slot 4 INTB -> PIRQA
        bus.add(1, 0, a);
        bus.add(4, 0, b);
        a.raise(true);
        b.raise(true);
        a.raise(false);
        assertEquals(List.of("0+", "0+", "0+"), pirqs);
        b.raise(false);
        assertEquals("0-", pirqs.get(3));
    }

    @Test
    void secondFunctionMarksTheSlotMultiFunction() {
        TestFunction f0 = new TestFunction(0, false);
        bus.add(1, 0, f0);
        assertEquals(0, f0.readConfig(0x0E, 1));
        bus.add(1, 3, new TestFunction(0, false));
        assertEquals(0x80, f0.readConfig(0x0E, 1));
    }

    @Test
    void deviceRegistersAreReadOnlyUnlessDeclaredWritable() {
        TestFunction f = new TestFunction(0, false);
        bus.add(1, 0, f);
        f.writeConfig(0x40, 4, 0xAABBCCDD);
        f.writeConfig(0x44, 4, 0xAABBCCDD);
        assertEquals(0xAABBCCDD, f.readConfig(0x40, 4));
        assertEquals(0, f.readConfig(0x44, 4));
        assertEquals(2, f.deviceWrites);
    }

    @Test
    void resetUnmapsEverything() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x14, 4, 0xC000);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_IO);
        bus.reset();
        assertFalse(io.isMapped(0xC000));
        assertEquals(1, f.readConfig(0x14, 4));
    }

    @Test
    void snapshotRestoresMappings() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        f.writeConfig(0x14, 4, 0xC000);
        f.writeConfig(0x04, 2, PciFunction.COMMAND_IO);
        byte[] saved = f.configSnapshot();
        f.reset();
        f.restoreConfig(saved, false);
        assertTrue(io.isMapped(0xC00F));
        assertArrayEquals(saved, f.configSnapshot());
    }

    @Test
    void snapshotOfAnotherDeviceIsRefused() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        byte[] saved = f.configSnapshot();
        saved[0] = 0x11;
        assertThrows(IllegalArgumentException.class, () -> f.restoreConfig(saved, false));
    }

    @Test
    void outOfRangeConfigAccessesAreMaskedNotThrown() {
        TestFunction f = new TestFunction(0, false);
        bus.add(2, 0, f);
        assertEquals(0, f.readConfig(0xFE, 4) & 0);
        f.writeConfig(0x1FF, 4, -1);
        f.writeConfig(-1, 7, -1);
        assertEquals(0x1234, f.readConfig(0x100, 2));
    }
}
