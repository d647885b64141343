package org.quasivm.vmm.devices.vga;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The Bochs DISPI ports: offset 0 (1CEh) the 16-bit index, offset 1 (1CFh) the 16-bit data. A byte access reaches
 * the low half of the register; a 32-bit access its low 16 bits.
 */
final class DispiPorts implements BusDevice {

    private final BochsDispi dispi;

    DispiPorts(BochsDispi dispi) {
        this.dispi = dispi;
    }

    @Override
    public int read(int offset, int size) {
        int value = switch (offset) {
            case 0 -> dispi.readIndex();
            case 1 -> dispi.readData();
            default -> 0xFFFF;
        };
        return size == 1 ? value & 0xFF : value;
    }

    @Override
    public void write(int offset, int size, int value) {
        int v = size == 1 ? value & 0xFF : value & 0xFFFF;
        switch (offset) {
            case 0 -> dispi.writeIndex(v);
            case 1 -> dispi.writeData(v);
            default -> { }
        }
    }
}
