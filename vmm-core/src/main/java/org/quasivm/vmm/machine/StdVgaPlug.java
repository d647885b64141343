package org.quasivm.vmm.machine;

import java.util.Objects;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.devices.vga.StdVgaPci;
import org.quasivm.vmm.devices.vga.Vga;
import org.quasivm.vmm.devices.vga.VgaRenderer;

/**
 * QEMU's standard VGA where QEMU puts it: ports 3B0h-3DFh, the Bochs DISPI ports 1CEh-1D0h, the A0000h window, and
 * PCI function 00:02.0 (1234:1111) with the VGA BIOS in its expansion ROM.
 */
public final class StdVgaPlug implements BoardPlug {

    public static final int VGA_PORT = 0x3B0;
    public static final int DISPI_PORT = 0x1CE;
    public static final long WINDOW = 0xA_0000L;
    public static final int PCI_DEVICE = 2;

    private final int memoryMiB;
    private final byte[] vgaBios;
    private Vga vga;
    private VgaRenderer renderer;

    /**
     * @param memoryMiB video memory (a power of two, 1..256)
     * @param vgaBios   {@code vgabios-stdvga.bin}, or null for a VGA without an option ROM
     */
    public StdVgaPlug(int memoryMiB, byte[] vgaBios) {
        this.memoryMiB = memoryMiB;
        this.vgaBios = vgaBios == null ? null : vgaBios.clone();
    }

    @Override
    public void plugInto(BoardWiring wiring) {
        vga = new Vga(memoryMiB, wiring.clock());
        renderer = new VgaRenderer(vga);
        wiring.mapIo("vga", VGA_PORT, Vga.IO_PORTS_LENGTH, vga.ioPorts(), AccessWidth.BYTE);
        wiring.mapIo("vga-dispi", DISPI_PORT, Vga.DISPI_PORTS_LENGTH, vga.dispiPorts(), AccessWidth.ANY);
        wiring.mapMmio("vga-window", WINDOW, Vga.LEGACY_WINDOW_SIZE, vga.legacyWindow());
        wiring.addPciFunction(PCI_DEVICE, 0, new StdVgaPci(vga, vgaBios));
        wiring.onReset(vga::reset);
    }

    /** The adapter (after the board was built). */
    public Vga vga() {
        return Objects.requireNonNull(vga, "not plugged in yet");
    }

    /** The renderer; call it on the VM thread ({@code Machine.inspect}). */
    public VgaRenderer renderer() {
        return Objects.requireNonNull(renderer, "not plugged in yet");
    }
}
