package org.quasivm.vmm.devices.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.bus.MmioBus;
import org.quasivm.vmm.devices.pci.BoardPciAddressSpace;
import org.quasivm.vmm.devices.pci.PciBus;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.memory.PcMemoryMap;

class StdVgaPciTest {

    private static final Path DEBIAN_VGA_BIOS = Path.of("/usr/share/seabios/vgabios-stdvga.bin");
    private static final long LFB = 0xFD00_0000L;
    private static final long MMIO = 0xFEBF_0000L;

    private final VgaBench bench = new VgaBench();
    private final IoBus io = new IoBus();
    private final MmioBus mmio = new MmioBus();
    private final PcMemoryMap memory = new PcMemoryMap(16 << 20, new byte[64 << 10], mmio);
    private final PciBus bus = new PciBus(new BoardPciAddressSpace(io, memory));

    private StdVgaPci plugIn(byte[] rom) {
        StdVgaPci vga = new StdVgaPci(bench.vga, rom);
        bus.add(2, 0, vga);
        return vga;
    }

    private void enableBars() {
        bus.writeConfig(2, 0, 0x10, 4, (int) LFB);
        bus.writeConfig(2, 0, 0x18, 4, (int) MMIO);
        bus.writeConfig(2, 0, 0x04, 2, PciFunction.COMMAND_MEMORY);
    }

    @Test
    void identifiesAsQemuStandardVga() {
        plugIn(null);
        assertEquals(0x1111_1234, bus.readConfig(2, 0, 0x00, 4));
        assertEquals(0x0300_0002, bus.readConfig(2, 0, 0x08, 4));
        assertEquals(0x1100_1AF4, bus.readConfig(2, 0, 0x2C, 4));
    }

    @Test
    void barsSizeAsPrefetchableFramebufferAndFourKiBRegisters() {
        plugIn(null);
        bus.writeConfig(2, 0, 0x10, 4, 0xFFFF_FFFF);
        assertEquals(0xFF00_0008, bus.readConfig(2, 0, 0x10, 4));
        bus.writeConfig(2, 0, 0x18, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_F000, bus.readConfig(2, 0, 0x18, 4));
        bus.writeConfig(2, 0, 0x14, 4, 0xFFFF_FFFF);
        assertEquals(0, bus.readConfig(2, 0, 0x14, 4));
    }

    @Test
    void framebufferBarIsTheVideoMemoryTheCpuWritesDirectly() {
        plugIn(null);
        enableBars();
        assertTrue(memory.regions().stream().anyMatch(r -> r.start() == LFB && r.size() == 16 << 20
                && r.bytes() == bench.vga.framebuffer()));
        memory.write(LFB + 64, 4, 0x00AB_CDEF);
        assertEquals(0x00AB_CDEF, bench.vga.framebuffer().getInt(64));
    }

    @Test
    void mmioBarReachesDispiVgaPortsAndExtensionRegisters() {
        plugIn(null);
        enableBars();
        memory.write(MMIO + 0x400 + 2, 1, 0xC3); // misc output (3C2h): colour, RAM enabled
        memory.write(MMIO + 0x500 + 2 * 3, 2, 32);
        memory.write(MMIO + 0x500 + 2 * 1, 2, 320);
        memory.write(MMIO + 0x500 + 2 * 2, 2, 200);
        memory.write(MMIO + 0x500 + 2 * 4, 2, 0x41);
        memory.write(MMIO + 0x400, 1, 0x20); // 3C0h: palette address source
        assertEquals(0xB0C5, memory.read(MMIO + 0x500, 2));
        assertEquals(256, memory.read(MMIO + 0x500 + 2 * 10, 2));
        assertEquals(320, bench.dispiRead(1));
        memory.write(MMIO + 0x400 + 0x0E, 2, 0x0508); // 3CEh/3CFh: GR8 = 05h in one write
        bench.out(0x3CE, 0x08);
        assertEquals(0x05, bench.in(0x3CF));
        assertEquals(8, memory.read(MMIO + 0x600, 4));
        assertEquals(0x1E1E_1E1EL, memory.read(MMIO + 0x604, 4));
        assertEquals(0, memory.read(MMIO + 0x10, 4));
        bench.renderer.refresh();
        assertEquals(320, bench.renderer.frame().width());
    }

    @Test
    void expansionRomServesTheVgaBios() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(DEBIAN_VGA_BIOS), DEBIAN_VGA_BIOS + " (Debian package seabios)");
        byte[] bios = Files.readAllBytes(DEBIAN_VGA_BIOS);
        plugIn(bios);
        bus.writeConfig(2, 0, 0x30, 4, 0xFEB0_0000 | 1);
        bus.writeConfig(2, 0, 0x04, 2, PciFunction.COMMAND_MEMORY);
        assertEquals(0xAA55, memory.read(0xFEB0_0000L, 2));
        assertTrue(memory.read(0xFEB0_0002L, 1) * 512 <= bios.length + 511);
        assertEquals(bios[bios.length - 1] & 0xFF, memory.read(0xFEB0_0000L + bios.length - 1, 1));
    }

    @Test
    void resetTurnsDispiOffBlanksTheScreenAndKeepsMemory() {
        bench.setMode(VgaModeTable.MODE_13);
        bench.dispi(3, 8);
        bench.dispi(4, 0x41);
        bench.vga.framebuffer().put(5, (byte) 0x77);
        bench.vga.reset();
        assertEquals(0, bench.dispiRead(4));
        assertEquals(0xB0C5, bench.dispiRead(0));
        assertEquals(0, bench.in(0x3CC));
        bench.renderer.refresh();
        assertEquals(VgaRenderer.INITIAL_WIDTH, bench.renderer.frame().width());
        assertEquals(0x77, bench.vga.framebuffer().get(5));
    }
}
