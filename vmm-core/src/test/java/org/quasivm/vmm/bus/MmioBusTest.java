package org.quasivm.vmm.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.testing.ByteRegisters;

class MmioBusTest {

    private final MmioBus bus = new MmioBus();

    @Test
    void findsTheWindowAmongMany() {
        ByteRegisters a = new ByteRegisters(0x1000);
        ByteRegisters b = new ByteRegisters(0x1000);
        ByteRegisters c = new ByteRegisters(0x1000);
        bus.map("c", 0xFEC0_0000L, 0x1000, c, AccessWidth.ANY);
        bus.map("a", 0xA_0000L, 0x1000, a, AccessWidth.ANY);
        bus.map("b", 0xFEBF_0000L, 0x1000, b, AccessWidth.ANY);
        bus.write(0xFEBF_0010L, 4, 0xCAFEBABEL);
        bus.write(0xA_0004L, 1, 0x5A);
        assertEquals(0xCAFEBABEL, bus.read(0xFEBF_0010L, 4));
        assertEquals(0x5A, bus.read(0xA_0004L, 1));
        assertEquals(0, c.writes);
    }

    @Test
    void unmappedReadsAllOnesAndIsCounted() {
        assertEquals(0xFFFF_FFFFL, bus.read(0x1234_5678L, 4));
        assertEquals(-1L, bus.read(0x1234_5678L, 8));
        assertEquals(0xFF, bus.read(0, 1));
        bus.write(0x10, 1, 1);
        assertEquals(4 + 8 + 1, bus.unmapped().reads());
        assertEquals(1, bus.unmapped().writes());
    }

    @Test
    void eightByteAccessIsTwoDwords() {
        ByteRegisters regs = new ByteRegisters(16);
        bus.map("r", 0x1000, 16, regs, AccessWidth.ANY);
        bus.write(0x1000, 8, 0x1122_3344_5566_7788L);
        assertEquals(2, regs.writes);
        assertEquals(0x1122_3344_5566_7788L, bus.read(0x1000, 8));
    }

    @Test
    void overlapIsRefused() {
        bus.map("vga", 0xA_0000L, 0x2_0000L, new ByteRegisters(1), AccessWidth.ANY);
        assertThrows(IllegalStateException.class,
                () -> bus.map("x", 0xB_F000L, 0x2000, new ByteRegisters(1), AccessWidth.ANY));
    }
}
