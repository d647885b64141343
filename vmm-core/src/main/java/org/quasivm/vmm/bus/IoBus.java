package org.quasivm.vmm.bus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.quasivm.exec.PortIo;

/**
 * The 64 KiB I/O port space. Dispatch is one array load per access: every port has a slot holding its device and
 * the device's base, so {@link #in}/{@link #out} allocate nothing and never search.
 *
 * <p>Called on the VM thread only (mapping changes come from PCI BAR writes, which are guest port writes).
 */
public final class IoBus implements PortIo {

    public static final int PORTS = 0x10000;

    private final BusDevice[] devices = new BusDevice[PORTS];
    private final int[] bases = new int[PORTS];
    private final int[] lengths = new int[PORTS];
    private final boolean[] byteWide = new boolean[PORTS];
    private final List<BusMapping> mappings = new ArrayList<>();
    private final UnmappedAccesses unmapped = new UnmappedAccesses();

    /** Maps ports [base, base + length) to {@code device}; refuses any overlap with an existing window. */
    public void map(String name, int base, int length, BusDevice device, AccessWidth width) {
        if (base < 0 || length <= 0 || base + length > PORTS) {
            throw new IllegalArgumentException(String.format("%s: I/O window %#x+%#x is outside the port space",
                    name, base, length));
        }
        BusMapping mapping = new BusMapping(name, base, length, device, width);
        for (BusMapping existing : mappings) {
            if (existing.overlaps(base, length)) {
                throw new IllegalStateException("I/O window " + mapping + " overlaps " + existing);
            }
        }
        install(mapping);
    }

    /**
     * Maps like {@link #map} but answers false instead of throwing when the window is outside the port space or
     * overlaps another: for windows the guest places (PCI BARs).
     */
    public boolean tryMap(String name, int base, int length, BusDevice device, AccessWidth width) {
        if (base < 0 || length <= 0 || base + length > PORTS) {
            return false;
        }
        for (BusMapping existing : mappings) {
            if (existing.overlaps(base, length)) {
                return false;
            }
        }
        install(new BusMapping(name, base, length, device, width));
        return true;
    }

    private void install(BusMapping mapping) {
        int base = (int) mapping.base();
        int length = (int) mapping.length();
        BusDevice device = mapping.device();
        AccessWidth width = mapping.width();
        mappings.add(mapping);
        for (int port = base; port < base + length; port++) {
            devices[port] = device;
            bases[port] = base;
            lengths[port] = length;
            byteWide[port] = width == AccessWidth.BYTE;
        }
    }

    /** Removes the window at {@code base} that belongs to {@code device}; returns whether there was one. */
    public boolean unmap(int base, BusDevice device) {
        for (int i = 0; i < mappings.size(); i++) {
            BusMapping m = mappings.get(i);
            if (m.base() == base && m.device() == device) {
                mappings.remove(i);
                for (long port = m.base(); port < m.end(); port++) {
                    devices[(int) port] = null;
                    byteWide[(int) port] = false;
                }
                return true;
            }
        }
        return false;
    }

    /** Whether any device owns {@code port}. */
    public boolean isMapped(int port) {
        return devices[port & 0xFFFF] != null;
    }

    public List<BusMapping> mappings() {
        List<BusMapping> copy = new ArrayList<>(mappings);
        copy.sort(Comparator.comparingLong(BusMapping::base));
        return copy;
    }

    public UnmappedAccesses unmapped() {
        return unmapped;
    }

    @Override
    public int in(int port, int size) {
        port &= 0xFFFF;
        BusDevice device = devices[port];
        if (device == null) {
            if (size == 1) {
                unmapped.countRead(port);
                return 0xFF;
            }
            return splitIn(port, size);
        }
        int offset = port - bases[port];
        if (size == 1) {
            return device.read(offset, 1) & 0xFF;
        }
        if (byteWide[port] || offset + size > lengths[port] || (size != 2 && size != 4)) {
            return splitIn(port, size);
        }
        int value = device.read(offset, size);
        return size == 2 ? value & 0xFFFF : value;
    }

    @Override
    public void out(int port, int size, int value) {
        port &= 0xFFFF;
        BusDevice device = devices[port];
        if (device == null) {
            if (size == 1) {
                unmapped.countWrite(port);
                return;
            }
            splitOut(port, size, value);
            return;
        }
        int offset = port - bases[port];
        if (size == 1) {
            device.write(offset, 1, value & 0xFF);
            return;
        }
        if (byteWide[port] || offset + size > lengths[port] || (size != 2 && size != 4)) {
            splitOut(port, size, value);
            return;
        }
        device.write(offset, size, size == 2 ? value & 0xFFFF : value);
    }

    // A wide access that a device cannot take whole: byte by byte, each byte dispatched on its own (as ISA does).
    private int splitIn(int port, int size) {
        int n = size == 2 ? 2 : 4;
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= in(port + i, 1) << (8 * i);
        }
        return value;
    }

    private void splitOut(int port, int size, int value) {
        int n = size == 2 ? 2 : 4;
        for (int i = 0; i < n; i++) {
            out(port + i, 1, value >>> (8 * i));
        }
    }
}
