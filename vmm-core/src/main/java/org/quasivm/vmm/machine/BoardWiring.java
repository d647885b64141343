package org.quasivm.vmm.machine;

import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IrqLine;
import org.quasivm.vmm.clock.VirtualClock;
import org.quasivm.vmm.devices.pci.PciFunction;
import org.quasivm.vmm.memory.PcMemoryMap;

/**
 * What a {@link BoardPlug} may use to put its device on the board: fixed I/O and MMIO windows, a PCI slot, ISA
 * interrupt lines, the clock, and a reset hook. The board keeps ownership of addresses and IRQ numbers; a plug only
 * asks for them.
 */
public interface BoardWiring {

    VirtualClock clock();

    PcMemoryMap memory();

    void mapIo(String name, int base, int length, BusDevice device, AccessWidth width);

    void mapMmio(String name, long base, long length, BusDevice device);

    void addPciFunction(int device, int function, PciFunction pciFunction);

    /** A new source on ISA interrupt line {@code irq} (shared, wired-OR). */
    IrqLine isaIrq(int irq);

    /** Runs on every machine reset, after the board's own devices reset. */
    void onReset(Runnable action);

    /**
     * Closed when the board closes (the machine stopped), in reverse order of registration: images a device owns.
     * A failure is reported after everything else has been closed.
     */
    void onClose(AutoCloseable resource);

    /** A CMOS byte as the firmware will find it (equipment byte, drive types...). */
    int cmosByte(int register);

    /** Sets a CMOS byte the firmware reads; the standard checksum over 10h-2Dh is kept right. */
    void setCmosByte(int register, int value);
}
