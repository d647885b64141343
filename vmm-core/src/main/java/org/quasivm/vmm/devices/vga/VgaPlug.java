package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.machine.BoardPlug;
import org.quasivm.vmm.machine.BoardWiring;

/**
 * Puts the VGA on a PC board as QEMU's {@code -vga std} does: ports 3B0h-3DFh and the DISPI ports at 1CEh, the
 * legacy window at A0000h, PCI function 00:02.0 (framebuffer BAR, register BAR, VGA BIOS ROM), and a reset hook.
 * The VGA and its renderer exist once the board has been built (they need the board's clock).
 */
public final class VgaPlug implements BoardPlug {

    public static final int IO_BASE = 0x3B0;
    public static final int DISPI_BASE = 0x1CE;
    public static final long WINDOW_BASE = 0xA_0000L;
    public static final int PCI_DEVICE = 2;

    private final int memoryMiB;
    private final byte[] vgaBios;
    private Vga vga;
    private VgaRenderer renderer;

    /**
     * @param memoryMiB the definition's {@code display.vgaMemoryMiB} (a power of two, 1-256)
     * @param vgaBios   {@code vgabios-stdvga.bin}'s bytes for the expansion ROM, or null for none
     */
    public VgaPlug(int memoryMiB, byte[] vgaBios) {
        VgaState.checkMemorySize(memoryMiB);
        this.memoryMiB = memoryMiB;
        this.vgaBios = vgaBios == null ? null : vgaBios.clone();
    }

    @Override
    public void plugInto(BoardWiring wiring) {
        if (vga != null) {
            throw new IllegalStateException("this VGA is already on a board");
        }
        vga = new Vga(memoryMiB, wiring.clock());
        wiring.mapIo("vga", IO_BASE, Vga.IO_PORTS_LENGTH, vga.ioPorts(), AccessWidth.BYTE);
        wiring.mapIo("vga-dispi", DISPI_BASE, Vga.DISPI_PORTS_LENGTH, vga.dispiPorts(), AccessWidth.ANY);
        wiring.mapMmio("vga-window", WINDOW_BASE, Vga.LEGACY_WINDOW_SIZE, vga.legacyWindow());
        wiring.addPciFunction(PCI_DEVICE, 0, new StdVgaPci(vga, vgaBios));
        wiring.onReset(vga::reset);
        renderer = new VgaRenderer(vga);
    }

    /** The VGA, once plugged in. */
    public Vga vga() {
        if (vga == null) {
            throw new IllegalStateException("the VGA is not on a board yet");
        }
        return vga;
    }

    /** The renderer for the console and screenshots, once plugged in. Call it on the VM thread. */
    public VgaRenderer renderer() {
        if (renderer == null) {
            throw new IllegalStateException("the VGA is not on a board yet");
        }
        return renderer;
    }
}
