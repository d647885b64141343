package org.quasivm.vmm.devices.dma;

import org.quasivm.vmm.bus.BusDevice;

/**
 * The PC's DMA page registers at 81h-8Fh (80h is the POST code port, owned by the board): address bits 23-16 for
 * each channel. Channel 0 is at 87h, 1 at 83h, 2 at 81h, 3 at 82h, 5 at 8Bh, 6 at 89h, 7 at 8Ah; 8Fh is the refresh
 * page (channel 4); the other ports are spare storage, as on the PC.
 */
public final class DmaPageRegisters implements BusDevice {

    /** First port of the window (81h). */
    public static final int BASE_PORT = 0x81;
    public static final int LENGTH = 15;
    private static final int[] CHANNEL_OFFSET = {0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A};

    private final int[] bytes = new int[LENGTH];

    @Override
    public int read(int offset, int size) {
        return offset >= 0 && offset < LENGTH ? bytes[offset] : 0xFF;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset >= 0 && offset < LENGTH) {
            bytes[offset] = value & 0xFF;
        }
    }

    int page(int channel) {
        return bytes[CHANNEL_OFFSET[channel & 7] - BASE_PORT];
    }

    void reset() {
        java.util.Arrays.fill(bytes, 0);
    }
}
