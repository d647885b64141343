package org.quasivm.vmm.devices.vga;

import java.util.Objects;

import org.quasivm.vmm.devices.pci.PciBar;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.devices.pci.PciIdentity;

/**
 * The VGA as QEMU's standard VGA PCI function 1234:1111 (class 030000h, revision 2: with extension registers):
 * BAR 0 the linear framebuffer (prefetchable memory the CPU accesses directly), BAR 2 the 4 KiB register MMIO
 * ({@link StdVgaMmio}), and the VGA BIOS in the expansion ROM, where SeaBIOS finds and runs it. The legacy ports
 * and window are wired separately by the board; they decode whatever the command register says, as on a VGA.
 */
public final class StdVgaPci extends PciFunction {

    public static final PciIdentity IDENTITY = new PciIdentity(0x1234, 0x1111, 0x02, 0x03_0000,
            PciIdentity.QEMU_SUBSYSTEM_VENDOR, PciIdentity.QEMU_SUBSYSTEM, 0);

    /**
     * @param vgaBios the option ROM image for the expansion ROM BAR ({@code vgabios-stdvga.bin} from Debian's
     *                seabios package), or null for none (then firmware must get the VGA BIOS some other way)
     */
    public StdVgaPci(Vga vga, byte[] vgaBios) {
        super("vga", IDENTITY);
        Objects.requireNonNull(vga, "vga");
        declareBar(0, new PciBar.Memory("vga-lfb", vga.framebuffer(), true));
        declareBar(2, new PciBar.Mmio(StdVgaMmio.SIZE, new StdVgaMmio(vga), false));
        if (vgaBios != null) {
            declareExpansionRom(vgaBios);
        }
    }
}
