package org.quasivm.vmm.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.testing.ByteRegisters;

class IoBusTest {

    private final IoBus bus = new IoBus();

    @Test
    void deviceSeesOffsetsRelativeToItsBase() {
        ByteRegisters regs = new ByteRegisters(8);
        bus.map("uart", 0x3F8, 8, regs, AccessWidth.BYTE);
        bus.out(0x3FB, 1, 0x83);
        assertEquals(0x83, regs.bytes[3]);
        assertEquals(0x83, bus.in(0x3FB, 1));
    }

    @Test
    void unmappedPortsReadAllOnesOfTheAccessSize() {
        assertEquals(0xFF, bus.in(0x1234, 1));
        assertEquals(0xFFFF, bus.in(0x1234, 2));
        assertEquals(0xFFFF_FFFF, bus.in(0x1234, 4));
    }

    @Test
    void unmappedAccessesAreCounted() {
        bus.in(0x200, 1);
        bus.out(0x201, 1, 5);
        bus.out(0x202, 2, 5);
        assertEquals(1, bus.unmapped().reads());
        assertEquals(3, bus.unmapped().writes());
        assertEquals(0x203, bus.unmapped().lastAddress());
    }

    @Test
    void overlappingWindowsAreRefused() {
        bus.map("a", 0x60, 1, new ByteRegisters(1), AccessWidth.BYTE);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> bus.map("b", 0x5F, 4, new ByteRegisters(4), AccessWidth.BYTE));
        assertTrue(e.getMessage().contains("a"), e.getMessage());
    }

    @Test
    void wordAccessToByteWideDeviceIsSplitAcrossPorts() {
        ByteRegisters low = new ByteRegisters(1);
        ByteRegisters high = new ByteRegisters(1);
        bus.map("low", 0x70, 1, low, AccessWidth.BYTE);
        bus.map("high", 0x71, 1, high, AccessWidth.BYTE);
        bus.out(0x70, 2, 0xBBAA);
        assertEquals(0xAA, low.bytes[0]);
        assertEquals(0xBB, high.bytes[0]);
        assertEquals(0xBBAA, bus.in(0x70, 2));
    }

    @Test
    void wideDeviceReceivesWholeAccess() {
        ByteRegisters regs = new ByteRegisters(4);
        bus.map("cfc", 0xCFC, 4, regs, AccessWidth.ANY);
        bus.out(0xCFC, 4, 0x12345678);
        assertEquals(4, regs.lastSize);
        assertEquals(1, regs.writes);
        assertEquals(0x12345678, bus.in(0xCFC, 4));
    }

    @Test
    void accessRunningPastTheWindowEndIsSplit() {
        ByteRegisters regs = new ByteRegisters(4);
        bus.map("cfc", 0xCFC, 4, regs, AccessWidth.ANY);
        assertEquals(0xFFFF_FF00 | 0, bus.in(0xCFF, 4) & 0xFFFF_FF00);
        assertEquals(1, regs.reads);
    }

    @Test
    void unmapFreesThePorts() {
        ByteRegisters regs = new ByteRegisters(16);
        bus.map("bar", 0xC000, 16, regs, AccessWidth.ANY);
        assertTrue(bus.unmap(0xC000, regs));
        assertFalse(bus.isMapped(0xC005));
        assertEquals(0xFF, bus.in(0xC005, 1));
        bus.map("bar", 0xC000, 16, regs, AccessWidth.ANY);
    }

    @Test
    void portNumbersWrapAt64K() {
        ByteRegisters regs = new ByteRegisters(1);
        bus.map("zero", 0, 1, regs, AccessWidth.BYTE);
        bus.out(0x1_0000, 1, 7);
        assertEquals(7, regs.bytes[0]);
    }
}
