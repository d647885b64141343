package org.quasivm.vmm.devices.pci;

import java.util.Objects;

import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;
import org.quasivm.vmm.bus.IoBus;
import org.quasivm.vmm.memory.PcMemoryMap;

/** BAR windows on the board: I/O BARs on the I/O bus, memory BARs in the PCI hole of the physical address space. */
public final class BoardPciAddressSpace implements PciAddressSpace {

    private final IoBus io;
    private final PcMemoryMap memory;

    public BoardPciAddressSpace(IoBus io, PcMemoryMap memory) {
        this.io = Objects.requireNonNull(io, "io");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    @Override
    public boolean mapIo(String name, int base, int size, BusDevice device, AccessWidth width) {
        return io.tryMap(name, base, size, device, width);
    }

    @Override
    public void unmapIo(int base, BusDevice device) {
        io.unmap(base, device);
    }

    @Override
    public boolean mapMmio(String name, long base, int size, BusDevice device) {
        if (!memory.isFreeOfRegions(base, size)) {
            return false;
        }
        return memory.mmio().tryMap(name, base, size, device, AccessWidth.ANY);
    }

    @Override
    public void unmapMmio(long base, BusDevice device) {
        memory.mmio().unmap(base, device);
    }

    @Override
    public boolean mapMemory(MemoryRegion region) {
        return memory.mapRegion(region);
    }

    @Override
    public void unmapMemory(MemoryRegion region) {
        memory.unmapRegion(region);
    }
}
