package org.quasivm.vmm.bus;

/**
 * A device's register file as a bus sees it. Offsets are relative to the device's base: the board, not the device,
 * owns port numbers and addresses. Sizes are 1, 2 or 4 (8 on MMIO buses that allow it).
 *
 * <p>The guest is untrusted: any offset, size or value may arrive. A device answers what the hardware would
 * (often all ones, or an error status) and never lets an exception escape.
 */
public interface BusDevice {

    int read(int offset, int size);

    void write(int offset, int size, int value);
}
