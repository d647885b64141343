package org.quasivm.vmm.devices.pci;

import java.util.Objects;

import org.quasivm.vmm.bus.BusDevice;

/**
 * Configuration mechanism #1 (PCI Local Bus spec 3.2.2.3.2): a dword write to CF8h latches an address (enable bit
 * 31, bus, device, function, register), and CFCh-CFFh then reach that register. Only whole-dword accesses to CF8h
 * are the address register; byte and word accesses to CF8h-CFBh pass through to the ordinary I/O device there
 * (on the PIIX, the reset control register at CF9h).
 */
public final class PciConfigMechanism1 {

    private static final int ENABLE = 1 << 31;
    private static final int ADDRESS_BITS = ENABLE | 0x00FF_FFFC;

    private final PciBus bus;
    private final BusDevice passThrough;
    private int address;

    /**
     * @param passThrough receives non-dword accesses to CF8h-CFBh, with offsets relative to CF8h
     */
    public PciConfigMechanism1(PciBus bus, BusDevice passThrough) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.passThrough = Objects.requireNonNull(passThrough, "passThrough");
    }

    /** The CF8h-CFBh window (map it with AccessWidth.ANY). */
    public BusDevice addressPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                if (offset == 0 && size == 4) {
                    return address;
                }
                return passThrough.read(offset, size);
            }

            @Override
            public void write(int offset, int size, int value) {
                if (offset == 0 && size == 4) {
                    address = value & ADDRESS_BITS;
                } else {
                    passThrough.write(offset, size, value);
                }
            }
        };
    }

    /** The CFCh-CFFh window (map it with AccessWidth.ANY). */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                if ((address & ENABLE) == 0 || bus() != 0) {
                    return size == 1 ? 0xFF : size == 2 ? 0xFFFF : 0xFFFF_FFFF;
                }
                return PciConfigMechanism1.this.bus.readConfig(device(), function(), register(offset), size);
            }

            @Override
            public void write(int offset, int size, int value) {
                if ((address & ENABLE) != 0 && bus() == 0) {
                    PciConfigMechanism1.this.bus.writeConfig(device(), function(), register(offset), size, value);
                }
            }
        };
    }

    public int address() {
        return address;
    }

    /** Restores the latched address (snapshots); reserved bits are dropped. */
    public void setAddress(int value) {
        address = value & ADDRESS_BITS;
    }

    private int bus() {
        return (address >>> 16) & 0xFF;
    }

    private int device() {
        return (address >>> 11) & 0x1F;
    }

    private int function() {
        return (address >>> 8) & 0x7;
    }

    private int register(int portOffset) {
        return (address & 0xFC) | (portOffset & 3);
    }
}
