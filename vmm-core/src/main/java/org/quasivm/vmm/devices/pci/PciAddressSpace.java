package org.quasivm.vmm.devices.pci;

import org.quasivm.exec.memory.MemoryRegion;
import org.quasivm.vmm.bus.AccessWidth;
import org.quasivm.vmm.bus.BusDevice;

/**
 * Where enabled BARs decode: the board's I/O bus and physical memory. A window that would collide with something
 * already there is refused (returns false) and simply does not decode — the guest may program a BAR anywhere, and
 * that must never become a host exception.
 */
public interface PciAddressSpace {

    boolean mapIo(String name, int base, int size, BusDevice device, AccessWidth width);

    void unmapIo(int base, BusDevice device);

    boolean mapMmio(String name, long base, int size, BusDevice device);

    void unmapMmio(long base, BusDevice device);

    boolean mapMemory(MemoryRegion region);

    void unmapMemory(MemoryRegion region);

    /** A space where nothing ever maps (functions not yet on a bus). */
    PciAddressSpace NONE = new PciAddressSpace() {
        @Override
        public boolean mapIo(String name, int base, int size, BusDevice device, AccessWidth width) {
            return false;
        }

        @Override
        public void unmapIo(int base, BusDevice device) {
        }

        @Override
        public boolean mapMmio(String name, long base, int size, BusDevice device) {
            return false;
        }

        @Override
        public void unmapMmio(long base, BusDevice device) {
        }

        @Override
        public boolean mapMemory(MemoryRegion region) {
            return false;
        }

        @Override
        public void unmapMemory(MemoryRegion region) {
        }
    };
}
