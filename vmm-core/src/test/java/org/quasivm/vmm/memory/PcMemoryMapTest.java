package org.quasivm.vmm.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quasivm.exec.memory.GuestMemory;
import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.testing.ByteRegisters;

class PcMemoryMapTest {

    private final MmioBus mmio = new MmioBus();

    private static byte[] bios(int size) {
        byte[] rom = new byte[size];
        for (int i = 0; i < size; i++) {
            rom[i] = (byte) (i >> 12);
        }
        rom[size - 16] = (byte) 0xEA; // the reset vector's far jump, at FFFF0
        return rom;
    }

    private PcMemoryMap map(long ram, int biosSize) {
        return new PcMemoryMap(ram, bios(biosSize), mmio);
    }

    @Test
    void regionsAreSortedAndDisjoint() {
        List<MemoryRegion> regions = map(64 << 20, 256 << 10).regions();
        for (int i = 1; i < regions.size(); i++) {
            assertTrue(regions.get(i - 1).end() <= regions.get(i).start(), regions.get(i).name());
        }
    }

    @Test
    void biosEndsAtFourGibAndItsTailIsAliasedBelowOneMib() {
        PcMemoryMap m = map(64 << 20, 256 << 10);
        assertEquals(0xEA, m.read(0xFFFF_FFF0L, 1));
        assertEquals(0xEA, m.read(0xF_FFF0L, 1));
        assertEquals(0x20, m.read(0xE_0000L, 1)); // offset 128K into a 256K ROM
        assertEquals(0x00, m.read(0xFFFC_0000L, 1));
    }

    @Test
    void smallRomAppearsOnlyInTheFSegment() {
        PcMemoryMap m = map(8 << 20, 64 << 10);
        assertEquals(0xEA, m.read(0xF_FFF0L, 1));
        assertEquals(0x00, m.read(0xE_0000L, 1));
        assertEquals(0xFFFF_0000L, m.firmwareBase());
    }

    @Test
    void vgaWindowGoesToTheMmioBus() {
        ByteRegisters vga = new ByteRegisters(0x2_0000);
        mmio.map("vga", 0xA_0000L, 0x2_0000L, vga, AccessWidth.ANY);
        PcMemoryMap m = map(8 << 20, 64 << 10);
        m.write(0xB_8000L, 2, 0x0741);
        assertEquals(0x41, vga.bytes[0x1_8000]);
        assertEquals(0x0741, m.read(0xB_8000L, 2));
    }

    @Test
    void writeOnlyShadowSendsWritesToRamWhileReadsStillComeFromRom() {
        PcMemoryMap m = map(8 << 20, 128 << 10);
        m.setPam(12, PamAttribute.WRITE_ONLY);
        m.write(0xF_FFF0L, 1, 0x90);
        assertEquals(0xEA, m.read(0xF_FFF0L, 1));
        m.setPam(12, PamAttribute.READ_WRITE);
        assertEquals(0x90, m.read(0xF_FFF0L, 1));
    }

    @Test
    void readOnlyShadowDropsWrites() {
        PcMemoryMap m = map(8 << 20, 128 << 10);
        m.setPam(0, PamAttribute.READ_WRITE);
        m.write(0xC_0000L, 2, 0xAA55);
        m.setPam(0, PamAttribute.READ_ONLY);
        m.write(0xC_0000L, 2, 0x1234);
        assertEquals(0xAA55, m.read(0xC_0000L, 2));
        MemoryRegion seg = m.regions().stream().filter(r -> r.start() == 0xC_0000L).findFirst().orElseThrow();
        assertTrue(seg.readOnly());
    }

    @Test
    void pamChangeNotifiesTheExecutorOnlyWhenSomethingChanged() {
        PcMemoryMap m = map(8 << 20, 128 << 10);
        int[] changes = {0};
        m.onMapChanged(() -> changes[0]++);
        m.setPam(3, PamAttribute.READ_WRITE);
        m.setPam(3, PamAttribute.READ_WRITE);
        assertEquals(1, changes[0]);
    }

    @Test
    void ramAboveTheHoleMovesAboveFourGib() {
        PcMemoryMap m = new PcMemoryMap(8 << 20, 4 << 20, bios(64 << 10), mmio);
        assertEquals(4 << 20, m.lowRamEnd());
        assertEquals(4 << 20, m.highRamSize());
        m.write(PcMemoryMap.FOUR_GIB + (4 << 20) - 4, 4, 0xDEADBEEFL);
        assertEquals(0xDEADBEEFL, m.read(PcMemoryMap.FOUR_GIB + (4 << 20) - 4, 4));
        assertEquals(0xFFFF_FFFFL, m.read((4 << 20) + 16, 4));
    }

    @Test
    void accessSpanningRegionsIsSplit() {
        PcMemoryMap m = map(8 << 20, 64 << 10);
        m.write(0x9_FFFEL, 4, 0x11223344L); // two bytes RAM, two bytes VGA window (unmapped here)
        assertEquals(0x3344, m.read(0x9_FFFEL, 2));
    }

    @Test
    void conflictingRegionIsNotMapped() {
        PcMemoryMap m = map(8 << 20, 64 << 10);
        MemoryRegion overRam = new MemoryRegion("lfb", 0x40_0000L, GuestMemory.allocate(0x1000), false);
        assertFalse(m.mapRegion(overRam));
        MemoryRegion inHole = new MemoryRegion("lfb", 0xFD00_0000L, GuestMemory.allocate(0x1000), false);
        assertTrue(m.mapRegion(inHole));
        m.write(0xFD00_0010L, 4, 0x01020304L);
        assertEquals(0x01020304, inHole.bytes().getInt(0x10));
        assertTrue(m.unmapRegion(inHole));
        assertEquals(0xFFFF_FFFFL, m.read(0xFD00_0010L, 4));
    }

    @Test
    void dmaWritesReachRamAndReportTheRange() {
        PcMemoryMap m = map(8 << 20, 64 << 10);
        long[] reported = new long[2];
        m.onCodeWritten((a, n) -> { reported[0] = a; reported[1] = n; });
        m.writeBytes(0x7C00, new byte[] {1, 2, 3});
        assertEquals(0x030201, m.read(0x7C00, 4) & 0xFFFFFF);
        assertEquals(0x7C00, reported[0]);
        assertEquals(3, reported[1]);
        byte[] back = new byte[3];
        m.readBytes(0x7C00, back, 0, 3);
        assertEquals(3, back[2]);
    }

    @Test
    void badSizesAreRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> map(3 << 19, 64 << 10));
        assertTrue(e.getMessage().contains("RAM size"));
        assertThrows(IllegalArgumentException.class, () -> map(8 << 20, 1000));
    }
}
