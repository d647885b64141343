package org.quasivm.vmm.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.testing.ByteRegisters;

class PciConfigMechanism1Test {

    private final IoBus io = new IoBus();
    private final PciBus bus = new PciBus(PciAddressSpace.NONE);
    private final ByteRegisters cf9 = new ByteRegisters(4);

    PciConfigMechanism1Test() {
        PciConfigMechanism1 m = new PciConfigMechanism1(bus, cf9);
        io.map("pci-address", 0xCF8, 4, m.addressPort(), AccessWidth.ANY);
        io.map("pci-data", 0xCFC, 4, m.dataPort(), AccessWidth.ANY);
        bus.add(0, 0, new PciFunction("host", new PciIdentity(0x8086, 0x1237, 2, 0x060000, 0, 0, 0)) { });
    }

    private static int address(int dev, int fn, int reg) {
        return 0x8000_0000 | dev << 11 | fn << 8 | reg;
    }

    @Test
    void readsTheAddressedRegister() {
        io.out(0xCF8, 4, address(0, 0, 0));
        assertEquals(0x1237_8086, io.in(0xCFC, 4));
        assertEquals(0x1237, io.in(0xCFE, 2));
        assertEquals(0x12, io.in(0xCFF, 1));
    }

    @Test
    void addressRegisterReadsBackWithoutReservedBits() {
        io.out(0xCF8, 4, 0xFFFF_FFFF);
        assertEquals(0x80FF_FFFC, io.in(0xCF8, 4));
    }

    @Test
    void emptySlotAndDisabledAddressReadAllOnes() {
        io.out(0xCF8, 4, address(5, 0, 0));
        assertEquals(0xFFFF_FFFF, io.in(0xCFC, 4));
        io.out(0xCF8, 4, 0);
        assertEquals(0xFFFF, io.in(0xCFC, 2));
    }

    @Test
    void otherBusesAreEmpty() {
        io.out(0xCF8, 4, address(0, 0, 0) | 1 << 16);
        assertEquals(0xFFFF_FFFF, io.in(0xCFC, 4));
    }

    @Test
    void byteAccessAtCf9PassesThrough() {
        io.out(0xCF8, 4, address(0, 0, 0));
        io.out(0xCF9, 1, 0x06);
        assertEquals(0x06, cf9.bytes[1]);
        assertEquals(address(0, 0, 0), io.in(0xCF8, 4));
    }
}
